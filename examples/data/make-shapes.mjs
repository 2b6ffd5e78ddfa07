#!/usr/bin/env node
// Generates shapes.zip: small PNG images of circles and squares in train/<label>/ and
// test/<label>/ folders — an image-classification dataset for docs and tests.
// Usage: node examples/data/make-shapes.mjs [output.zip]   (default: shapes.zip beside this script)
// The output is the same on every run (shapes derived from their index, fixed timestamps).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import sharp from 'sharp';

const SIZE = 32;
const SPLITS = { train: 12, test: 4 };
const LABELS = ['circle', 'square'];

/** The n-th shape: colour, size and position vary with n but are the same on every run. */
function shapeSvg(label, n) {
  const colour = `hsl(${(n * 47) % 360}, 70%, 50%)`;
  const size = 10 + ((n * 7) % 12);
  const x = 2 + ((n * 5) % (SIZE - size - 4));
  const y = 2 + ((n * 11) % (SIZE - size - 4));
  const shape =
    label === 'circle'
      ? `<circle cx="${x + size / 2}" cy="${y + size / 2}" r="${size / 2}" fill="${colour}"/>`
      : `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="${colour}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}"><rect width="100%" height="100%" fill="white"/>${shape}</svg>`;
}

/** A minimal zip writer: deflated or stored entries, UTF-8 names, no extra fields. */
function zipArchive(files) {
  const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
  const parts = [];
  const directory = [];
  let offset = 0;
  for (const { name, data } of files) {
    const nameBytes = Buffer.from(name, 'utf8');
    const deflated = deflateRawSync(data, { level: 9 });
    const [method, stored] = deflated.length < data.length ? [8, deflated] : [0, data];
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(DOS_DATE_1980_01_01, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(DOS_DATE_1980_01_01, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, stored);
    directory.push(central, nameBytes);
    offset += local.length + nameBytes.length + stored.length;
  }
  const centralBytes = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, centralBytes, end]);
}

const files = [];
for (const [split, count] of Object.entries(SPLITS)) {
  for (const label of LABELS) {
    for (let i = 1; i <= count; i += 1) {
      const data = await sharp(Buffer.from(shapeSvg(label, files.length)))
        .png({ compressionLevel: 9, palette: true })
        .toBuffer();
      files.push({ name: `${split}/${label}/${label}-${String(i).padStart(2, '0')}.png`, data });
    }
  }
}
const out = process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), 'shapes.zip');
writeFileSync(out, zipArchive(files));
console.log(`wrote ${files.length} images to ${out}`);
