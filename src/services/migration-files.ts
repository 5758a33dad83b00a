import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface MigrationFile {
  name: string;
  file: string;
  checksum: string;
}

function isMigrationFile(file: string): boolean {
  return /\.(ts|js)$/.test(file) && !file.endsWith('.d.ts');
}

/** Migrations shipped with this cabinet, in order, each with the sha256 of its file. */
export function discoverMigrationFiles(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir)
    .filter(isMigrationFile)
    .sort()
    .map((file) => {
      const full = path.join(dir, file);
      return {
        name: file.replace(/\.[jt]s$/, ''),
        file: full,
        checksum: crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex'),
      };
    });
}
