/**
 * An input the user-data stores refuse (an id too long for its column, an invalid date…), raised
 * before anything is written. The message names the field, the offending value and the rule.
 */
export class UserDataError extends Error {
  constructor(
    /** Where the bad value is, e.g. `interactions[3].itemId`. */
    readonly field: string,
    problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = 'UserDataError';
  }
}
