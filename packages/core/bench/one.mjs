// The pool bench's module: the smallest call there is.
export const one = () => 1;
