/* The SIGSYS reporter: the C signal handler (handler.c) and what the N-API glue (vows.cc) calls. */
#ifndef EXILE_VOWS_REPORTER_H
#define EXILE_VOWS_REPORTER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Capacity of one report table (layout: see table.ts). Two slots: the handler reads the active
   one while vow() fills the other, then flips the active index atomically. */
#define EXILE_VOWS_TABLE_CAPACITY (512u * 1024u)

/* Copies a report table into the inactive slot and activates it. False if too large or malformed. */
bool exile_vows_set_table(const unsigned char* data, size_t size);

/* Copies a report table into the inactive slot without activating it: a later set_table of the
   same bytes then only compares and flips, so the copy's page faults are paid ahead of it. */
bool exile_vows_stage_table(const unsigned char* data, size_t size);

/* Longest token a record may start with. */
#define EXILE_VOWS_TOKEN_MAX 64u

/* The record of a kill-penalty call written to the record fd after the token (layout: handler.c write_record). */
#define EXILE_VOWS_RECORD_MAGIC 0x31525845u /* "EXR1" */
#define EXILE_VOWS_RECORD_SIZE 64u

/* Also write a record of each kill-penalty call to `fd`, after `token`; `pid`: this process as it
   sees itself (a pid namespace's number). False if the token is too long. */
bool exile_vows_set_record(int fd, const unsigned char* token, size_t size, uint32_t pid);

/* Installs the SIGSYS handler (once). Returns 0 or an errno. */
int exile_vows_install_handler(void);

/* True if SIGSYS currently points at our handler. */
bool exile_vows_handler_installed(void);

#ifdef __cplusplus
}
#endif
#endif
