import type { UserInput, UserRecord } from '../services/types.ts';
import { validateUserPatch } from '../services/validation/user-input.ts';
import type { RecordWriteTarget } from './record-write.ts';
import { noteOf, notFound } from './user-common.ts';
import { ANY_FIELD_FLAG, columnOf, fieldInput, FIELD_OPTIONS, userText, userToJson } from './user-flags.ts';

/** `cabinet users set|delete`: the users table for the shared write runner (record-write.ts). */
export const userWrites: RecordWriteTarget<UserRecord, Partial<UserInput>, ReturnType<typeof validateUserPatch>> = {
  command: 'users',
  noun: 'user',
  idOption: 'userId',
  setOptions: [...FIELD_OPTIONS, 'note'],
  deleteOptions: ['note'],
  readPatch: async (ctx) => fieldInput(ctx),
  emptyHint: `give at least one of ${ANY_FIELD_FLAG}`,
  validatePatch: validateUserPatch,
  get: ({ users }, userId) => users.get(userId),
  update: ({ users }, userId, patch, options) => users.update(userId, patch, options),
  remove: ({ users }, userId, options) => users.delete(userId, options),
  writeOptions: noteOf,
  text: userText,
  patchedText: (_userId, user, fields) => userText({ ...user, ...fields }),
  toJson: userToJson,
  columns: (changed) => changed.map(columnOf).join(', '),
  notFound,
};
