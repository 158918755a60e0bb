/**
 * The user-data tables of seed 001, kept as specified (the emulator accepts the JSON columns and
 * the descending key part). Interactions are interleaved in their user's preferences row: one
 * user's interactions sit next to it, newest first, so "the latest N of user X" is a key-range
 * read, and erasing the parent row cascades to them (GDPR erase is one delete).
 *
 * Note the interaction key is (user_id, interaction_timestamp): two interactions of one user at the
 * same instant are one row (the later write wins).
 */
export const USER_PREFERENCES_TABLE = 'UserPreferences';
export const USER_INTERACTIONS_TABLE = 'UserInteractions';
export const INTERACTIONS_BY_ITEM_INDEX = 'idx_interactions_by_item';

export const USER_PREFERENCES_COLUMNS = ['user_id', 'preference_vector', 'last_interaction_timestamp', 'recommendation_settings', 'version_id'] as const;
export const USER_INTERACTIONS_COLUMNS = ['user_id', 'item_id', 'interaction_type', 'interaction_timestamp', 'context'] as const;

/** Each statement with the object it creates, so a migration applies only the missing ones. */
export const USER_DATA_SCHEMA: readonly { kind: 'table' | 'index'; name: string; ddl: string }[] = [
  {
    kind: 'table',
    name: USER_PREFERENCES_TABLE,
    ddl:
      'CREATE TABLE UserPreferences (user_id STRING(36) NOT NULL, preference_vector ARRAY<FLOAT64>, ' +
      'last_interaction_timestamp TIMESTAMP, recommendation_settings JSON, version_id INT64) PRIMARY KEY (user_id)',
  },
  {
    kind: 'table',
    name: USER_INTERACTIONS_TABLE,
    ddl:
      'CREATE TABLE UserInteractions (user_id STRING(36) NOT NULL, item_id STRING(36) NOT NULL, interaction_type STRING(20), ' +
      'interaction_timestamp TIMESTAMP, context JSON) PRIMARY KEY (user_id, interaction_timestamp DESC), ' +
      'INTERLEAVE IN PARENT UserPreferences ON DELETE CASCADE',
  },
  {
    kind: 'index',
    name: INTERACTIONS_BY_ITEM_INDEX,
    ddl: 'CREATE INDEX idx_interactions_by_item ON UserInteractions(item_id, interaction_timestamp DESC)',
  },
];
