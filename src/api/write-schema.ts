import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../config/app-config';
import { buildSchemaText } from './schema-printer';

/** `npm run schema:write`: regenerates the committed schema.graphql from the code. */
void buildSchemaText().then((text) => {
  const path = join(projectRoot(), 'schema.graphql');
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
});
