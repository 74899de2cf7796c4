/**
 * Field and collection names reach SQL text and MongoDB paths, so they are checked against
 * a strict pattern; values always travel as bound parameters.
 */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export const checkedName = (name: string, what: 'field' | 'collection'): string => {
  if (!NAME.test(name)) throw new Error(`invalid ${what} name: ${name}`);
  return name;
};
