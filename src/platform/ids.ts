import { v7 as uuidv7 } from 'uuid';

/** Fresh ids for events, erasures, transfers and requests. */
export interface IdGenerator {
  newId(): string;
}

export const ID_GENERATOR = Symbol('IdGenerator');

/** UUIDv7: time-ordered, so ids index well in SQLite and MongoDB. */
export const uuidV7Generator: IdGenerator = { newId: () => uuidv7() };
