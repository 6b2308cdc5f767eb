import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The project's root folder (where package.json is), from the source tree or from dist/. */
export function projectPath(...parts: string[]): string {
  if (!root) {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'package.json'))) {
      const up = dirname(dir);
      if (up === dir) throw new Error('cannot find the project root (package.json)');
      dir = up;
    }
    root = dir;
  }
  return join(root, ...parts);
}
