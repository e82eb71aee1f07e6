/** Bad input the user can fix (a malformed file, an unknown name): reported as one clear line. */
export class InputError extends Error {}
