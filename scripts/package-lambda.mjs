// `npm run package:lambda`: the guard's deployment package, dist/flowfix-lambda.zip, for
// deploy/cloudformation/flowfix-guard.yaml (handler dist/bundle/lambda.handler). It holds exactly what
// `npm pack` ships (the bundle, the policies, package.json for "type": "module" and the version), laid
// out as in the package so the bundle finds ../../policies/ as it does installed. A plain zip writer
// (deflate from node:zlib) keeps the build free of tools the machine may not have.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const OUT = 'dist/flowfix-lambda.zip';
/** Lambda's limit for a zip uploaded through S3, unzipped (a zipped 50 MB limit applies to direct uploads). */
const LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024;

const files = [...walk('dist/bundle'), ...walk('policies').filter((f) => f.endsWith('.json')), 'package.json'].sort();

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** DOS date/time of 1980-01-01 00:00: the same package from the same sources is the same bytes. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

const locals = [];
const centrals = [];
let offset = 0;
let unzipped = 0;
for (const file of files) {
  const data = readFileSync(file);
  unzipped += data.length;
  const packed = deflateRawSync(data, { level: 9 });
  const name = Buffer.from(file.split(path.sep).join('/'));
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(8, 8); // deflate
  local.writeUInt16LE(DOS_TIME, 10);
  local.writeUInt16LE(DOS_DATE, 12);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(packed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(DOS_TIME, 12);
  central.writeUInt16LE(DOS_DATE, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(packed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(((0o100644 & 0xffff) << 16) >>> 0, 38); // a regular file, rw-r--r--
  central.writeUInt32LE(offset, 42);
  locals.push(local, name, packed);
  centrals.push(central, name);
  offset += local.length + name.length + packed.length;
}
const centralSize = centrals.reduce((n, b) => n + b.length, 0);
const end = Buffer.alloc(22);
end.writeUInt32LE(0x06054b50, 0);
end.writeUInt16LE(files.length, 8);
end.writeUInt16LE(files.length, 10);
end.writeUInt32LE(centralSize, 12);
end.writeUInt32LE(offset, 16);
const zip = Buffer.concat([...locals, ...centrals, end]);
if (unzipped > LAMBDA_UNZIPPED_LIMIT) throw new Error(`the package unzips to ${unzipped} bytes, over Lambda's ${LAMBDA_UNZIPPED_LIMIT}`);
writeFileSync(OUT, zip);
console.log(
  `${OUT}: ${files.length} files, ${(zip.length / 1024).toFixed(0)} KiB zipped, ${(unzipped / 1024).toFixed(0)} KiB unzipped (handler dist/bundle/lambda.handler)`,
);
if (statSync(OUT).size !== zip.length) throw new Error(`${OUT} was not written whole`);
