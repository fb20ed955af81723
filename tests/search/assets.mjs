// Where the client under test lives: the assets/ folder of a built site, because normalize.mjs
// imports the 異体字 table (itaiji.mjs) that every build writes from src/search/itaiji.tsv.
// tests/search.rs builds a site and names its folder in RENKEI_ASSETS.
import { pathToFileURL } from 'node:url';
import path from 'node:path';

const dir = process.env.RENKEI_ASSETS;
if (!dir) throw new Error("RENKEI_ASSETS must name a built site's assets/ folder (cargo test --test search sets it)");
export const assets = pathToFileURL(path.resolve(dir) + path.sep);
