process.once('message', (value) => process.send(value));
