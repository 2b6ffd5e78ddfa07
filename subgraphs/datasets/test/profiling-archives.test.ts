import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { profileFile, type ProfileOutcome } from '../src/profiling/index.js';
import {
  exampleData,
  FixtureDir,
  issuesOf,
  jpeg,
  png,
  profileOf,
  tarball,
  zip,
  type ZipEntry,
} from './profiling-fixtures.js';

const dir = new FixtureDir();
after(() => dir.remove());

const codes = (outcome: ProfileOutcome) => issuesOf(outcome).map((i) => [i.code, i.entry]);

let wide: Buffer;
let tall: Buffer;
let small: Buffer;
let photo: Buffer;
before(async () => {
  wide = await png(300, 150);
  tall = await png(20, 40, [10, 200, 10]);
  small = await png(8, 8, [0, 0, 0]);
  photo = await jpeg(256, 192);
});

/** A split dataset with archiver clutter that must be skipped. */
const splitEntries = (): ZipEntry[] => [
  { name: 'train/', mode: 0o040755 },
  { name: 'train/cat/' },
  { name: 'train/cat/1.png', data: wide },
  { name: 'train/cat/2.png', data: tall, deflate: true },
  { name: 'train/dog/1.jpg', data: photo },
  { name: 'valid/dog/2.png', data: small },
  { name: 'test/cat/3.png', data: small },
  { name: 'train/.DS_Store', data: Buffer.from('junk') },
  { name: '__MACOSX/train/cat/._1.png', data: Buffer.from('junk') },
];

describe('profiling image archives', () => {
  test('zip: images, class labels from folders, splits, sizes, thumbnails of the first images', async () => {
    const path = dir.write('pets.zip', zip(splitEntries()));
    const progress: number[] = [];
    const profile = profileOf(
      await profileFile(path, 'pets.zip', dir.limits({ thumbnails: 3 }), { onProgress: (f) => progress.push(f) }),
    );
    assert.equal(profile.format, 'IMAGE_ARCHIVE');
    assert.equal(profile.rowCount, 5);
    assert.deepEqual(profile.images!.classes, [
      { label: 'cat', count: 3 },
      { label: 'dog', count: 2 },
    ]);
    assert.deepEqual(profile.images!.splits, [
      { name: 'train', count: 3 },
      { name: 'validation', count: 1 },
      { name: 'test', count: 1 },
    ]);
    assert.deepEqual(profile.preview, {
      columns: ['path', 'split', 'label', 'width', 'height'],
      rows: [
        ['train/cat/1.png', 'train', 'cat', 300, 150],
        ['train/cat/2.png', 'train', 'cat', 20, 40],
        ['train/dog/1.jpg', 'train', 'dog', 256, 192],
        ['valid/dog/2.png', 'validation', 'dog', 8, 8],
        ['test/cat/3.png', 'test', 'cat', 8, 8],
      ],
    });
    const thumbs = profile.images!.thumbnails;
    assert.deepEqual(
      thumbs.map((t) => [t.path, t.label, t.width, t.height, t.contentType]),
      [
        ['train/cat/1.png', 'cat', 128, 64, 'image/png'],
        ['train/cat/2.png', 'cat', 20, 40, 'image/png'],
        ['train/dog/1.jpg', 'dog', 128, 96, 'image/jpeg'],
      ],
    );
    const decoded = await sharp(thumbs[2]!.data).metadata();
    assert.deepEqual([decoded.format, decoded.width, decoded.height], ['jpeg', 128, 96]);
    const width = profile.columns.find((c) => c.name === 'width')!;
    assert.deepEqual([width.count, width.min, width.max, width.mean], [5, 8, 300, (300 + 20 + 256 + 8 + 8) / 5]);
    assert.equal(
      width.histogram!.reduce((s, b) => s + b.count, 0),
      5,
    );
    assert.deepEqual(profile.columns.find((c) => c.name === 'label')!.topValues, [
      { value: 'cat', count: 3 },
      { value: 'dog', count: 2 },
    ]);
    assert.equal(progress[0], 0);
    assert.equal(progress.at(-1), 1);
  });

  test('tar.gz with a wrapping folder: the folder is not a label', async () => {
    const archive = await tarball(
      [
        { name: 'shapes/', type: 'directory' },
        { name: 'shapes/circle/a.png', data: small },
        { name: 'shapes/circle/b.png', data: tall },
        { name: 'shapes/square/c.jpg', data: photo },
        { name: 'shapes/._c.jpg', data: Buffer.from('apple double') },
      ],
      true,
    );
    for (const name of ['shapes.tar.gz', 'shapes.tgz', 'shapes.bin']) {
      const profile = profileOf(await profileFile(dir.write(name, archive), name, dir.limits({ thumbnails: 1 })));
      assert.equal(profile.rowCount, 3);
      assert.deepEqual(profile.images!.classes, [
        { label: 'circle', count: 2 },
        { label: 'square', count: 1 },
      ]);
      assert.deepEqual(profile.images!.splits, []);
      assert.deepEqual(
        profile.images!.thumbnails.map((t) => [t.path, t.label, t.width, t.height]),
        [['shapes/circle/a.png', 'circle', 8, 8]],
      );
    }
  });

  test('plain tar with splits', async () => {
    const archive = await tarball([
      { name: 'train/cat/1.png', data: small },
      { name: 'val/cat/2.png', data: small },
      { name: 'test/dog/3.jpg', data: photo },
    ]);
    const profile = profileOf(await profileFile(dir.write('plain.tar', archive), 'plain.tar', dir.limits()));
    assert.deepEqual(profile.images!.splits, [
      { name: 'train', count: 1 },
      { name: 'validation', count: 1 },
      { name: 'test', count: 1 },
    ]);
    assert.equal(profile.images!.thumbnails.length, 3);
  });

  test('the example shapes.zip has circles and squares in train and test', async () => {
    const profile = profileOf(await profileFile(exampleData('shapes.zip'), 'shapes.zip', dir.limits()));
    assert.equal(profile.rowCount, 32);
    assert.deepEqual(profile.images!.classes, [
      { label: 'circle', count: 16 },
      { label: 'square', count: 16 },
    ]);
    assert.deepEqual(profile.images!.splits, [
      { name: 'train', count: 24 },
      { name: 'test', count: 8 },
    ]);
    assert.equal(profile.images!.thumbnails.length, 16);
    assert.ok(profile.images!.thumbnails.every((t) => t.width === 32 && t.height === 32));
  });
});

describe('rejecting unsafe or bad archives', () => {
  test('a zip bomb (50 MB of zeros deflated) gives ARCHIVE_RATIO before anything is inflated', async () => {
    const bomb = zip([
      { name: 'cat/1.png', data: small },
      { name: 'cat/bomb.png', data: Buffer.alloc(50 * 1024 * 1024), deflate: true },
    ]);
    const outcome = await profileFile(dir.write('bomb.zip', bomb), 'bomb.zip', dir.limits());
    assert.deepEqual(codes(outcome), [['ARCHIVE_RATIO', 'cat/bomb.png']]);
    assert.match(issuesOf(outcome)[0]!.message, /expands \d+ times \(more than 100\)/);
  });

  test('a gzip bomb inside a tar.gz is stopped while inflating', async () => {
    const archive = await tarball([{ name: 'cat/zeros.png', data: Buffer.alloc(30 * 1024 * 1024) }], true);
    assert.deepEqual(codes(await profileFile(dir.write('bomb.tgz', archive), 'bomb.tgz', dir.limits())), [
      ['ARCHIVE_RATIO', undefined],
    ]);
  });

  test('too many entries gives ARCHIVE_TOO_MANY_ENTRIES (zip and tar)', async () => {
    const entries = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ name: `cat/${n}.png`, data: small }));
    const limits = dir.limits({ maxArchiveEntries: 3 });
    const zipOutcome = await profileFile(dir.write('many.zip', zip(entries)), 'many.zip', limits);
    assert.deepEqual(codes(zipOutcome), [['ARCHIVE_TOO_MANY_ENTRIES', undefined]]);
    assert.match(issuesOf(zipOutcome)[0]!.message, /holds 5 entries, more than the 3 allowed/);
    const tarOutcome = await profileFile(dir.write('many.tar', await tarball(entries)), 'many.tar', limits);
    assert.deepEqual(codes(tarOutcome), [['ARCHIVE_TOO_MANY_ENTRIES', undefined]]);
  });

  test('a total expanded size over the limit gives ARCHIVE_TOO_LARGE (zip and tar.gz)', async () => {
    const entries = [
      { name: 'cat/1.png', data: wide },
      { name: 'cat/2.png', data: wide },
    ];
    const limits = dir.limits({ maxArchiveBytes: wide.length + 10 });
    assert.deepEqual(codes(await profileFile(dir.write('large.zip', zip(entries)), 'large.zip', limits)), [
      ['ARCHIVE_TOO_LARGE', undefined],
    ]);
    const tgz = await tarball(entries, true);
    assert.deepEqual(codes(await profileFile(dir.write('large.tgz', tgz), 'large.tgz', limits)), [
      ['ARCHIVE_TOO_LARGE', undefined],
    ]);
  });

  test('path traversal, absolute paths, drive letters and backslashes give PATH_TRAVERSAL', async () => {
    const archive = zip([
      { name: 'cat/1.png', data: small },
      { name: '../evil.png', data: small },
      { name: '/etc/evil.png', data: small },
      { name: 'C:/evil.png', data: small },
      { name: 'cat\\..\\..\\evil.png', data: small },
      { name: 'cat/../../evil.png', data: small },
    ]);
    const outcome = await profileFile(dir.write('traversal.zip', archive), 'traversal.zip', dir.limits());
    assert.deepEqual(codes(outcome), [
      ['PATH_TRAVERSAL', '../evil.png'],
      ['PATH_TRAVERSAL', '/etc/evil.png'],
      ['PATH_TRAVERSAL', 'C:/evil.png'],
      ['PATH_TRAVERSAL', 'cat\\..\\..\\evil.png'],
      ['PATH_TRAVERSAL', 'cat/../../evil.png'],
    ]);
    assert.match(issuesOf(outcome)[0]!.message, /outside the extraction folder/);
    const tarOutcome = await profileFile(
      dir.write('traversal.tar', await tarball([{ name: '../evil.png', data: small }])),
      'traversal.tar',
      dir.limits(),
    );
    assert.deepEqual(codes(tarOutcome), [['PATH_TRAVERSAL', '../evil.png']]);
  });

  test('symlinks and hard links give SYMLINK (zip external attributes, tar entry types)', async () => {
    const archive = zip([
      { name: 'cat/1.png', data: small },
      { name: 'cat/link.png', data: Buffer.from('/etc/passwd'), mode: 0o120777 },
    ]);
    assert.deepEqual(codes(await profileFile(dir.write('link.zip', archive), 'link.zip', dir.limits())), [
      ['SYMLINK', 'cat/link.png'],
    ]);
    const tar = await tarball([
      { name: 'cat/1.png', data: small },
      { name: 'cat/soft.png', type: 'symlink', linkname: '/etc/passwd' },
      { name: 'cat/hard.png', type: 'link', linkname: 'cat/1.png' },
    ]);
    assert.deepEqual(codes(await profileFile(dir.write('link.tar', tar), 'link.tar', dir.limits())), [
      ['SYMLINK', 'cat/soft.png'],
      ['SYMLINK', 'cat/hard.png'],
    ]);
  });

  test('duplicate names give DUPLICATE_ENTRY', async () => {
    const archive = zip([
      { name: 'cat/1.png', data: small },
      { name: 'dog/1.png', data: small },
      { name: 'cat/1.png', data: tall },
    ]);
    const outcome = await profileFile(dir.write('dup.zip', archive), 'dup.zip', dir.limits());
    assert.deepEqual(codes(outcome), [['DUPLICATE_ENTRY', 'cat/1.png']]);
  });

  test('files that are not PNG or JPEG, and corrupt image headers, give INVALID_IMAGE', async () => {
    const badCrc = Buffer.from(small);
    badCrc.writeUInt32BE(12345, 16);
    const archive = zip([
      { name: 'cat/1.png', data: small },
      { name: 'cat/notes.txt', data: Buffer.from('not an image') },
      { name: 'cat/2.png', data: badCrc },
      { name: 'cat/3.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0xd9]) },
      { name: 'cat/empty.png' },
    ]);
    const outcome = await profileFile(dir.write('bad-images.zip', archive), 'bad-images.zip', dir.limits());
    assert.deepEqual(codes(outcome), [
      ['INVALID_IMAGE', 'cat/notes.txt'],
      ['INVALID_IMAGE', 'cat/2.png'],
      ['INVALID_IMAGE', 'cat/3.jpg'],
      ['INVALID_IMAGE', 'cat/empty.png'],
    ]);
    const messages = issuesOf(outcome).map((i) => i.message);
    assert.match(messages[0]!, /not a PNG or JPEG image/);
    assert.match(messages[1]!, /checksum/);
    assert.match(messages[2]!, /no frame header/);
  });

  test('an image whose header is fine but whose data is not gives INVALID_IMAGE when thumbnailed', async () => {
    const cut = wide.subarray(0, 60);
    const outcome = await profileFile(
      dir.write('cut.zip', zip([{ name: 'cat/1.png', data: cut }])),
      'cut.zip',
      dir.limits(),
    );
    assert.deepEqual(codes(outcome), [['INVALID_IMAGE', 'cat/1.png']]);
    assert.match(issuesOf(outcome)[0]!.message, /could not be decoded/);
  });

  test('an archive without images gives EMPTY_FILE', async () => {
    const outcome = await profileFile(
      dir.write('dirs.zip', zip([{ name: 'cat/' }, { name: 'dog/' }])),
      'dirs.zip',
      dir.limits(),
    );
    assert.deepEqual(codes(outcome), [['EMPTY_FILE', undefined]]);
  });
});
