/** The body of the section `name` of a README's text (between `<!-- name:start -->` and `<!-- name:end -->`). */
export declare function readmeSection(readme: string, name: string): string;
/** The README's text with the section `name` holding `body`. */
export declare function replaceSection(readme: string, name: string, body: string): string;
