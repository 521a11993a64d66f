//! Bad archives made from good ones: decrypt to the ZIP, read and rewrite
//! its entries, fix up and re-sign the manifest, re-encrypt to the
//! recipient; and byte-level patches for what a ZIP writer refuses to
//! write (unsafe or duplicate names, sizes that lie).

use super::handover::Handover;
use dossier_transfer::archive::{MANIFEST, SIGNATURE, trusted_comment};
use dossier_transfer::digest::{LineDigest, sha256_hex};
use serde_json::Value;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// One ZIP entry, uncompressed.
#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub data: Vec<u8>,
    pub method: CompressionMethod,
}

impl Entry {
    /// An entry as the exporter writes it: `files/` stored, JSON deflated.
    pub fn new(name: &str, data: impl Into<Vec<u8>>) -> Self {
        let method = if name.starts_with("files/") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        Entry {
            name: name.to_owned(),
            data: data.into(),
            method,
        }
    }
}

/// Every entry of a ZIP, in order.
pub fn read_entries(zip: &[u8]) -> Vec<Entry> {
    let mut z = zip::ZipArchive::new(Cursor::new(zip)).expect("a ZIP");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("entry bytes");
            Entry {
                name: f.name().expect("UTF-8 name").into_owned(),
                data,
                method: f.compression(),
            }
        })
        .collect()
}

/// A new ZIP of `entries`, in order (deflate at level 1, as the exporter).
pub fn write_zip(entries: &[Entry]) -> Vec<u8> {
    write_zip_with(entries, |_| {})
}

/// [`write_zip`], then `more` adds what [`Entry`] cannot say (a symlink).
pub fn write_zip_with(
    entries: &[Entry],
    more: impl FnOnce(&mut zip::ZipWriter<Cursor<Vec<u8>>>),
) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for e in entries {
        let mut options = SimpleFileOptions::default()
            .compression_method(e.method)
            .unix_permissions(0o644);
        if e.method == CompressionMethod::Deflated {
            options = options.compression_level(Some(1));
        }
        w.start_file(e.name.as_str(), options)
            .unwrap_or_else(|err| panic!("{}: {err}", e.name));
        w.write_all(&e.data).expect("entry written");
    }
    more(&mut w);
    w.finish().expect("ZIP finished").into_inner()
}

/// `plain` encrypted with age to `recipients` (`age1…` lines).
pub fn encrypt(plain: &[u8], recipients: &[&str]) -> Vec<u8> {
    let parsed: Vec<age::x25519::Recipient> = recipients
        .iter()
        .map(|r| r.parse().expect("an age recipient"))
        .collect();
    let encryptor =
        age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
            .expect("encryptor");
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).expect("age stream");
    w.write_all(plain).expect("encrypted");
    w.finish().expect("age finished");
    out
}

/// `plain` encrypted with age to `recipients`, ASCII-armored (`age -a`).
pub fn encrypt_armored(plain: &[u8], recipients: &[&str]) -> Vec<u8> {
    use age::armor::{ArmoredWriter, Format};
    let parsed: Vec<age::x25519::Recipient> = recipients
        .iter()
        .map(|r| r.parse().expect("an age recipient"))
        .collect();
    let encryptor =
        age::Encryptor::with_recipients(parsed.iter().map(|r| r as &dyn age::Recipient))
            .expect("encryptor");
    let armor = ArmoredWriter::wrap_output(Vec::new(), Format::AsciiArmor).expect("armor");
    let mut w = encryptor.wrap_output(armor).expect("age stream");
    w.write_all(plain).expect("encrypted");
    w.finish()
        .and_then(|armor| armor.finish())
        .expect("age finished")
}

/// Writes ZIP bytes, encrypted to the handover's recipient, to `out`.
pub fn save_zip(h: &Handover, zip: &[u8], out: &str) {
    std::fs::write(h.path(out), encrypt(zip, &[&h.recipient])).expect("archive written");
}

/// The offset just past an age file's header (after the MAC line): where
/// the 16-byte stream nonce starts.
pub fn age_header_len(file: &[u8]) -> usize {
    let mac = file
        .windows(5)
        .position(|w| w == b"\n--- ")
        .expect("an age header");
    mac + 1
        + file[mac + 1..]
            .iter()
            .position(|&b| b == b'\n')
            .expect("the MAC line ends")
        + 1
}

/// An archive taken apart for editing.
pub struct Repack {
    pub entries: Vec<Entry>,
}

impl Repack {
    pub fn open(h: &Handover, archive: &str) -> Self {
        Repack {
            entries: read_entries(&h.plaintext(archive)),
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.entries.iter().map(|e| e.name.clone()).collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.entries.iter().any(|e| e.name == name)
    }

    pub fn get(&self, name: &str) -> &[u8] {
        &self
            .entries
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("{name} is in the archive"))
            .data
    }

    pub fn text(&self, name: &str) -> String {
        String::from_utf8(self.get(name).to_vec()).expect("UTF-8")
    }

    /// Replaces an entry's bytes, or appends a new entry.
    pub fn set(&mut self, name: &str, data: impl Into<Vec<u8>>) {
        let data = data.into();
        match self.entries.iter_mut().find(|e| e.name == name) {
            Some(e) => e.data = data,
            None => self.entries.push(Entry::new(name, data)),
        }
    }

    /// Rewrites an entry's text.
    pub fn edit(&mut self, name: &str, f: impl FnOnce(String) -> String) {
        let text = f(self.text(name));
        self.set(name, text);
    }

    pub fn remove(&mut self, name: &str) {
        let before = self.entries.len();
        self.entries.retain(|e| e.name != name);
        assert!(self.entries.len() < before, "{name} was in the archive");
    }

    pub fn manifest(&self) -> Value {
        serde_json::from_slice(self.get(MANIFEST)).expect("manifest JSON")
    }

    /// Changes the manifest (the signature is left as it was).
    pub fn edit_manifest(&mut self, f: impl FnOnce(&mut Value)) {
        let mut m = self.manifest();
        f(&mut m);
        let text = serde_json::to_string_pretty(&m).expect("JSON") + "\n";
        self.set(MANIFEST, text);
    }

    /// Lists `name` in the manifest with its current sha256 and size (added
    /// when not listed yet), and fixes `payload_oxum`.
    pub fn refresh(&mut self, name: &str) {
        let data = self.get(name).to_vec();
        self.edit_manifest(|m| {
            let entries = m["entries"].as_array_mut().expect("entries");
            let fresh = serde_json::json!({
                "path": name, "size": data.len(), "sha256": sha256_hex(&data)
            });
            match entries.iter_mut().find(|e| e["path"] == name) {
                Some(e) => *e = fresh,
                None => entries.push(fresh),
            }
            fix_oxum(m);
        });
    }

    /// Takes `name` out of the manifest's entries and fixes `payload_oxum`.
    pub fn unlist(&mut self, name: &str) {
        self.edit_manifest(|m| {
            let entries = m["entries"].as_array_mut().expect("entries");
            let before = entries.len();
            entries.retain(|e| e["path"] != name);
            assert!(entries.len() < before, "{name} was listed");
            fix_oxum(m);
        });
    }

    /// Recounts and re-digests one dossier's records of one kind, as the
    /// exporter computes them, into the manifest (totals follow).
    pub fn redigest(&mut self, group: &str, dossier: &str, kind: &str) {
        let path = format!("groups/{group}/dossiers/{dossier}/{kind}.jsonl");
        let mut digest = LineDigest::default();
        if self.has(&path) {
            for line in self.text(&path).lines() {
                let v: Value = serde_json::from_str(line).expect("a JSON line");
                digest.push(&dossier_transfer::canonical::to_string(&v));
            }
        }
        let count = digest.count();
        let digest = digest.finish();
        self.edit_manifest(|m| {
            let d = m["dossiers"]
                .as_array_mut()
                .expect("dossiers")
                .iter_mut()
                .find(|d| d["id"] == dossier)
                .expect("the dossier is listed");
            let before = d["counts"][kind].as_u64().unwrap_or(0);
            d["counts"][kind] = count.into();
            d["digests"][kind] = digest.into();
            let total = m["totals"]["records"][kind].as_u64().unwrap_or(0);
            m["totals"]["records"][kind] = (total + count - before).into();
        });
    }

    /// Signs the manifest as it is now with the minisign key at `key`, for
    /// the manifest's own migration and time.
    pub fn sign_with(&mut self, key: &Path) {
        let m = self.manifest();
        let comment = trusted_comment(
            m["migration_id"].as_str().expect("migration_id"),
            m["created_at"].as_str().expect("created_at"),
        );
        self.sign_with_comment(key, &comment);
    }

    /// Signs the manifest with any trusted comment.
    pub fn sign_with_comment(&mut self, key: &Path, comment: &str) {
        let sk = dossier_transfer::keys::load_signing_key(key, &dossier_transfer::keys::NoPassword)
            .expect("signing key");
        let sig = dossier_transfer::keys::sign(&sk, self.get(MANIFEST), comment).expect("signed");
        self.set(SIGNATURE, sig);
    }

    /// Re-signs with the handover's own key (`keys/signing.key`).
    pub fn resign(&mut self, h: &Handover) {
        self.sign_with(&h.path("keys/signing.key"));
    }

    /// Re-signs with the handover's own key and any trusted comment.
    pub fn resign_raw(&mut self, h: &Handover, comment: &str) {
        self.sign_with_comment(&h.path("keys/signing.key"), comment);
    }

    pub fn zip(&self) -> Vec<u8> {
        write_zip(&self.entries)
    }

    /// Re-packs, re-encrypts to the handover's recipient, writes `out`.
    pub fn save(&self, h: &Handover, out: &str) {
        save_zip(h, &self.zip(), out);
    }
}

fn fix_oxum(m: &mut Value) {
    let entries = m["entries"].as_array().expect("entries");
    let total: u64 = entries.iter().map(|e| e["size"].as_u64().unwrap()).sum();
    m["payload_oxum"] = format!("{total}.{}", entries.len()).into();
}

fn u16_at(b: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([b[at], b[at + 1]]))
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap()) as usize
}

/// The central directory records of a small ZIP (no zip64, no comment):
/// (offset of the central record, offset of its local header).
fn records(zip: &[u8]) -> Vec<(usize, usize)> {
    let eocd = zip.len() - 22;
    assert_eq!(&zip[eocd..eocd + 4], b"PK\x05\x06", "an end record");
    let count = u16_at(zip, eocd + 10);
    let mut at = u32_at(zip, eocd + 16);
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(&zip[at..at + 4], b"PK\x01\x02", "a central record");
        out.push((at, u32_at(zip, at + 42)));
        at += 46 + u16_at(zip, at + 28) + u16_at(zip, at + 30) + u16_at(zip, at + 32);
    }
    out
}

fn central_name(zip: &[u8], at: usize) -> &[u8] {
    &zip[at + 46..at + 46 + u16_at(zip, at + 28)]
}

/// Renames entry `from` to `to` (the same length) in both its local and
/// central headers: names a ZIP writer would refuse.
pub fn patch_name(zip: &mut [u8], from: &str, to: &[u8]) {
    assert_eq!(from.len(), to.len(), "a patched name keeps its length");
    let (central, local) = records(zip)
        .into_iter()
        .find(|&(c, _)| central_name(zip, c) == from.as_bytes())
        .unwrap_or_else(|| panic!("{from} is in the ZIP"));
    zip[central + 46..central + 46 + to.len()].copy_from_slice(to);
    assert_eq!(&zip[local..local + 4], b"PK\x03\x04");
    assert_eq!(&zip[local + 30..local + 30 + to.len()], from.as_bytes());
    zip[local + 30..local + 30 + to.len()].copy_from_slice(to);
}

/// Overwrites bytes of entry `name`'s central record (at `offset` from its
/// start) and, when `local` is given, of its local header: flags, method.
pub fn patch_header(zip: &mut [u8], name: &str, offset: usize, local: Option<usize>, bytes: &[u8]) {
    let (central, local_at) = records(zip)
        .into_iter()
        .find(|&(c, _)| central_name(zip, c) == name.as_bytes())
        .unwrap_or_else(|| panic!("{name} is in the ZIP"));
    zip[central + offset..central + offset + bytes.len()].copy_from_slice(bytes);
    if let Some(l) = local {
        zip[local_at + l..local_at + l + bytes.len()].copy_from_slice(bytes);
    }
}

/// Makes entry `name` claim `size` uncompressed bytes, in its central
/// record and its local header alike (headers that disagree are another
/// refusal).
pub fn patch_size(zip: &mut [u8], name: &str, size: u32) {
    patch_header(zip, name, 24, Some(22), &size.to_le_bytes());
}

/// Overwrites bytes of entry `name`'s local header only, at `offset` from
/// its start: a local header that disagrees with the central directory.
pub fn patch_local(zip: &mut [u8], name: &str, offset: usize, bytes: &[u8]) {
    let (_, local) = records(zip)
        .into_iter()
        .find(|&(c, _)| central_name(zip, c) == name.as_bytes())
        .unwrap_or_else(|| panic!("{name} is in the ZIP"));
    assert_eq!(&zip[local..local + 4], b"PK\x03\x04");
    zip[local + offset..local + offset + bytes.len()].copy_from_slice(bytes);
}

/// Adds central directory records named `names`, each a copy of entry
/// `of`'s record: every one points at `of`'s local header and data, the
/// overlapping-entry ZIP bomb (many entries, one compressed run).
pub fn add_aliases(zip: &mut Vec<u8>, of: &str, names: &[String]) {
    let (central, _) = records(zip)
        .into_iter()
        .find(|&(c, _)| central_name(zip, c) == of.as_bytes())
        .unwrap_or_else(|| panic!("{of} is in the ZIP"));
    let name_len = u16_at(zip, central + 28);
    let rest = u16_at(zip, central + 30) + u16_at(zip, central + 32);
    let fixed = zip[central..central + 46].to_vec();
    let tail = zip[central + 46 + name_len..central + 46 + name_len + rest].to_vec();
    let eocd = zip.len() - 22;
    let mut added = Vec::new();
    for name in names {
        let mut record = fixed.clone();
        let len = u16::try_from(name.len()).expect("a short name");
        record[28..30].copy_from_slice(&len.to_le_bytes());
        record.extend_from_slice(name.as_bytes());
        record.extend_from_slice(&tail);
        added.extend_from_slice(&record);
    }
    let mut end = zip.split_off(eocd);
    zip.extend_from_slice(&added);
    let count = u16::try_from(u16_at(&end, 10) + names.len()).expect("under 65536 entries");
    end[8..10].copy_from_slice(&count.to_le_bytes());
    end[10..12].copy_from_slice(&count.to_le_bytes());
    let size = u32::try_from(u32_at(&end, 12) + added.len()).expect("a small directory");
    end[12..16].copy_from_slice(&size.to_le_bytes());
    zip.extend_from_slice(&end);
}
