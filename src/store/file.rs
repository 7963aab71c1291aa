//! Whole-file operations: load, atomic save, and [`GraphFile`], the writer handle that holds the
//! advisory lock.
//!
//! The lock lives in a sibling file `PATH.lock` rather than on PATH itself: a save replaces
//! PATH by renaming a new file over it, and a lock on the old inode would not stop a second
//! writer from opening the new one. Readers never lock: a rename is atomic, so a reader sees the
//! old file or the new one, never a half-written one.
//!
//! The lock file names its holder (process id and command line) so a refused writer can say who
//! is writing. A session that mostly reads ([`OpenMode::Lazy`]) loads without the lock and takes
//! it only when a write starts ([`GraphFile::begin_write`]), re-reading the file first if another
//! writer changed it in between; it gives the lock back with [`GraphFile::end_write`]. The lock
//! file of a graph that does not exist (a read-only session on a new path) is removed on release,
//! so such a session leaves nothing behind.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::error::StoreError;
use super::format::{self, WriteError};
use crate::graph::PropertyGraph;

/// Facts about a graph file, for `kg stats`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FileInfo {
    /// The file's format version.
    pub format_version: u32,
    /// The file's size in bytes.
    pub file_size: u64,
}

/// Loads a graph file (without taking the lock).
///
/// # Errors
/// [`StoreError::NotFound`], [`StoreError::Io`], or any header or payload error.
pub fn load(path: &Path) -> Result<PropertyGraph, StoreError> {
    load_with_info(path).map(|(g, _)| g)
}

/// Loads a graph file and reports its format version and size.
///
/// # Errors
/// As [`load`].
pub fn load_with_info(path: &Path) -> Result<(PropertyGraph, FileInfo), StoreError> {
    let io_err = |e: io::Error| StoreError::io(path, e);
    check_file_path(path)?;
    let mut file = File::open(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => StoreError::NotFound { path: path.to_path_buf() },
        _ => StoreError::io(path, e),
    })?;
    let file_len = file.metadata().map_err(io_err)?.len();
    let mut head = Vec::with_capacity(format::HEADER_LEN);
    (&mut file).take(format::HEADER_LEN as u64).read_to_end(&mut head).map_err(io_err)?;
    let header = format::check_header(path, &head, file_len)?;
    // Two passes over the payload (the checksum, then the decode) instead of reading it into
    // memory once: the second pass comes from the page cache, and the peak memory of a load
    // is the graph alone rather than the graph plus the file.
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut left = header.payload_len;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match file.read(&mut buf[..want]) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => other.map_err(io_err)?,
        };
        if n == 0 {
            let found = file_len - left;
            return Err(StoreError::Truncated { path: path.to_path_buf(), expected: file_len, found });
        }
        hasher.update(&buf[..n]);
        left -= n as u64;
    }
    drop(buf);
    format::check_checksum(path, &header, hasher.finalize())?;
    file.seek(SeekFrom::Start(format::HEADER_LEN as u64)).map_err(io_err)?;
    let graph = format::decode_version(path, header.version, file, header.payload_len)?;
    Ok((graph, FileInfo { format_version: header.version, file_size: file_len }))
}

/// Saves a graph atomically, taking the writer lock for the duration of the save. Writers that
/// also read should use [`GraphFile`] to hold the lock from load to save.
///
/// # Errors
/// [`StoreError::Locked`], [`StoreError::Io`], [`StoreError::Unencodable`].
pub fn save(path: &Path, graph: &PropertyGraph) -> Result<(), StoreError> {
    check_file_path(path)?;
    let _lock = Lock::acquire(path)?;
    write_atomic(path, graph)
}

/// How [`GraphFile::open`] treats the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Load the graph, or start an empty one when the file does not exist (`build`, `import`).
    CreateIfMissing,
    /// Load the graph; a missing file is [`StoreError::NotFound`] (`query`, `run`).
    MustExist,
    /// Start an empty graph that replaces the file on save, without reading it (`gen`).
    Replace,
    /// Load the graph without taking the lock (a missing file is an empty graph and nothing is
    /// created); [`GraphFile::begin_write`] takes the lock when a write starts (`query`, `run`,
    /// `shell`).
    Lazy,
}

/// What identifies the file a graph was loaded from, to notice another writer's save (which
/// renames a new file over the path).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

/// The stamp of the file at `path`, `None` when it does not exist.
fn stamp_of(path: &Path) -> Result<Option<Stamp>, StoreError> {
    match fs::metadata(path) {
        Ok(m) => Ok(Some(Stamp { len: m.len(), modified: m.modified().ok(), inode: inode_of(&m) })),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io(path, e)),
    }
}

#[cfg(unix)]
fn inode_of(m: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(m)
}

#[cfg(not(unix))]
fn inode_of(_: &fs::Metadata) -> u64 {
    0
}

/// A graph opened for writing: holds the writer lock from open until dropped (or, opened
/// [`OpenMode::Lazy`], from [`GraphFile::begin_write`] to [`GraphFile::end_write`]).
#[derive(Debug)]
pub struct GraphFile {
    path: PathBuf,
    graph: PropertyGraph,
    existed: bool,
    /// The file as last loaded or saved (`None`: it did not exist).
    stamp: Option<Stamp>,
    lock: Option<Lock>,
}

impl GraphFile {
    /// Takes the writer lock of `path` at once (failing if another process holds it), then
    /// loads the graph as `mode` says.
    ///
    /// # Errors
    /// [`StoreError::Locked`], [`StoreError::NotFound`], and any error of [`load`].
    pub fn open(path: impl AsRef<Path>, mode: OpenMode) -> Result<GraphFile, StoreError> {
        let path = path.as_ref();
        check_file_path(path)?;
        if mode == OpenMode::MustExist && !path.exists() {
            return Err(StoreError::NotFound { path: path.to_path_buf() });
        }
        let lock = if mode == OpenMode::Lazy { None } else { Some(Lock::acquire(path)?) };
        let stamp = stamp_of(path)?;
        let existed = stamp.is_some();
        let graph = match mode {
            OpenMode::Replace if existed => {
                refuse_foreign_file(path)?;
                PropertyGraph::new()
            }
            OpenMode::Replace => PropertyGraph::new(),
            OpenMode::CreateIfMissing | OpenMode::Lazy if !existed => PropertyGraph::new(),
            OpenMode::CreateIfMissing | OpenMode::MustExist | OpenMode::Lazy => load(path)?,
        };
        Ok(GraphFile { path: path.to_path_buf(), graph, existed, stamp, lock })
    }

    /// Takes the writer lock (if not held yet) before a write. When another writer saved the
    /// file since this graph was loaded, the graph is read again, so the write applies to the
    /// current file; returns whether that happened.
    ///
    /// # Errors
    /// [`StoreError::Locked`], or an error loading the changed file (the lock is then not held).
    pub fn begin_write(&mut self) -> Result<bool, StoreError> {
        if self.lock.is_some() {
            return Ok(false);
        }
        let lock = Lock::acquire(&self.path)?;
        let now = stamp_of(&self.path)?;
        let reloaded = now != self.stamp;
        if reloaded {
            self.graph = if now.is_some() { load(&self.path)? } else { PropertyGraph::new() };
            self.stamp = now;
            self.existed = now.is_some();
        }
        self.lock = Some(lock);
        Ok(reloaded)
    }

    /// Gives the writer lock back (other writers may then write). Call it only when the graph
    /// in memory has no unsaved changes; a later [`GraphFile::begin_write`] takes it again.
    pub fn end_write(&mut self) {
        self.lock = None;
    }

    /// Whether this handle holds the writer lock.
    pub fn is_writing(&self) -> bool {
        self.lock.is_some()
    }

    /// The graph file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file existed when it was opened.
    pub fn existed(&self) -> bool {
        self.existed
    }

    /// The graph.
    pub fn graph(&self) -> &PropertyGraph {
        &self.graph
    }

    /// The graph, for changes; they reach the file on [`GraphFile::save`].
    pub fn graph_mut(&mut self) -> &mut PropertyGraph {
        &mut self.graph
    }

    /// Replaces the graph held in memory (saved on [`GraphFile::save`]).
    pub fn set_graph(&mut self, graph: PropertyGraph) {
        self.graph = graph;
    }

    /// Saves the graph atomically; the lock stays held (it is taken first if it was not).
    ///
    /// # Errors
    /// [`StoreError::Io`], [`StoreError::Unencodable`]; without the lock held,
    /// [`StoreError::Locked`], or [`StoreError::ChangedOnDisk`] when another writer saved the file
    /// since this graph was loaded (nothing is overwritten).
    pub fn save(&mut self) -> Result<(), StoreError> {
        if self.lock.is_none() {
            let lock = Lock::acquire(&self.path)?;
            if stamp_of(&self.path)? != self.stamp {
                return Err(StoreError::ChangedOnDisk { path: self.path.clone() });
            }
            self.lock = Some(lock);
        }
        write_atomic(&self.path, &self.graph)?;
        self.stamp = stamp_of(&self.path)?;
        self.existed = true;
        Ok(())
    }

    /// Gives up the lock and returns the graph.
    pub fn into_graph(self) -> PropertyGraph {
        self.graph
    }
}

/// Rejects paths that cannot name a graph file (a directory, `..`, an empty path) before a
/// lock file is created beside them.
fn check_file_path(path: &Path) -> Result<(), StoreError> {
    let problem = if path.file_name().is_none() {
        "not a file name"
    } else if path.is_dir() {
        "is a directory, not a graph file"
    } else {
        return Ok(());
    };
    Err(StoreError::io(path, io::Error::new(io::ErrorKind::InvalidInput, problem)))
}

/// Refuses to replace an existing file that is not a graph file (say `kg gen -g notes.txt`):
/// only an empty file or one starting with the magic bytes may be overwritten.
fn refuse_foreign_file(path: &Path) -> Result<(), StoreError> {
    let mut head = Vec::with_capacity(format::MAGIC.len());
    File::open(path)
        .and_then(|f| f.take(format::MAGIC.len() as u64).read_to_end(&mut head))
        .map_err(|e| StoreError::io(path, e))?;
    if head.is_empty() || head.starts_with(&format::MAGIC) {
        Ok(())
    } else {
        let msg = "exists and is not a kgraph graph file; refusing to overwrite it";
        Err(StoreError::io(path, io::Error::new(io::ErrorKind::AlreadyExists, msg)))
    }
}

/// `PATH` with `suffix` appended to its file name.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// The directory holding `path` (`.` for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The exclusive advisory lock on `PATH.lock`, released when dropped (or when the process dies).
#[derive(Debug)]
struct Lock {
    file: File,
    /// The graph file.
    path: PathBuf,
    lock_path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // A lock beside a graph that was never written (a new path that only read) is removed,
        // while still held: `acquire` checks that the file it locked is still the one at the
        // path, so a writer that opened the old file tries again instead of sharing it.
        if cfg!(unix) && !self.path.exists() {
            let _ = fs::remove_file(&self.lock_path);
        } else {
            let _ = self.file.set_len(0);
        }
        // Unlock explicitly instead of relying on close: a child forked by another thread
        // shares the open file description (and so the lock) until it execs, and would
        // otherwise keep the graph locked for that moment after we are done.
        let _ = fs4::fs_std::FileExt::unlock(&self.file);
    }
}

/// How often [`Lock::acquire`] tries again when the lock file it locked was removed meanwhile.
const LOCK_ATTEMPTS: usize = 8;

impl Lock {
    fn acquire(path: &Path) -> Result<Lock, StoreError> {
        let dir = parent_dir(path);
        if !dir.is_dir() {
            let msg = format!("directory {} does not exist", dir.display());
            return Err(StoreError::io(path, io::Error::new(io::ErrorKind::NotFound, msg)));
        }
        let lock_path = sibling(path, ".lock");
        for _ in 0..LOCK_ATTEMPTS {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&lock_path)
                .map_err(|e| StoreError::io(&lock_path, e))?;
            match fs4::fs_std::FileExt::try_lock_exclusive(&file) {
                Ok(true) => {}
                Ok(false) => {
                    let mut holder = String::new();
                    let _ = (&mut file).take(512).read_to_string(&mut holder);
                    let holder = holder.lines().next().unwrap_or("").trim().to_string();
                    return Err(StoreError::Locked { path: path.to_path_buf(), holder });
                }
                Err(e) => return Err(StoreError::io(&lock_path, e)),
            }
            let same = match (file.metadata(), fs::metadata(&lock_path)) {
                (Ok(held), Ok(now)) => inode_of(&held) == inode_of(&now),
                _ => false,
            };
            if same {
                let _ = file.set_len(0);
                let _ = io::Write::write_all(&mut file, holder_line().as_bytes());
                return Ok(Lock { file, path: path.to_path_buf(), lock_path });
            }
        }
        let msg = "the lock file keeps being replaced; try again";
        Err(StoreError::io(&lock_path, io::Error::new(io::ErrorKind::WouldBlock, msg)))
    }
}

/// What the lock file says about its holder: `pid 1234: kg shell -g g.kg`.
fn holder_line() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(first) = args.first_mut() {
        if let Some(name) = Path::new(first.as_str()).file_name().and_then(|n| n.to_str()) {
            *first = name.to_string();
        }
    }
    let mut line = format!("pid {}: {}", std::process::id(), args.join(" "));
    if line.chars().count() > 120 {
        line = line.chars().take(119).collect::<String>() + "…";
    }
    line.replace(['\n', '\r'], " ") + "\n"
}

/// Writes `PATH.tmp`, fsyncs it, renames it over PATH and fsyncs the directory, so that after a
/// crash at any moment PATH holds either the old graph or the new one. The caller holds the lock.
fn write_atomic(path: &Path, graph: &PropertyGraph) -> Result<(), StoreError> {
    let tmp = sibling(path, ".tmp");
    let result = write_tmp(&tmp, graph).and_then(|()| {
        fs::rename(&tmp, path).map_err(|e| StoreError::io(path, e))?;
        sync_dir(parent_dir(path)).map_err(|e| StoreError::io(parent_dir(path), e))
    });
    if result.is_err() {
        // Best effort: a stale PATH.tmp is harmless (the next save truncates it), only untidy.
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn write_tmp(tmp: &Path, graph: &PropertyGraph) -> Result<(), StoreError> {
    let file = File::create(tmp).map_err(|e| StoreError::io(tmp, e))?;
    // 64 KiB: large enough that write calls cost nothing next to encoding, small enough that
    // a save makes visible progress (the crash-safety test kills saves by bytes written).
    let mut out = BufWriter::with_capacity(64 << 10, file);
    format::write(&mut out, graph).map_err(|e| match e {
        WriteError::Io(e) => StoreError::io(tmp, e),
        WriteError::Encode(message) => StoreError::Unencodable { path: tmp.to_path_buf(), message },
    })?;
    let file = out.into_inner().map_err(|e| StoreError::io(tmp, e.into_error()))?;
    file.sync_all().map_err(|e| StoreError::io(tmp, e))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    // Windows cannot open a directory as a file; its rename is durable once it returns.
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Value;

    #[test]
    fn second_writer_is_refused_until_the_first_drops() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.kg");
        let mut first = GraphFile::open(&path, OpenMode::CreateIfMissing).unwrap();
        assert!(!first.existed());
        first.graph_mut().add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        first.save().unwrap();
        let err = GraphFile::open(&path, OpenMode::MustExist).unwrap_err();
        assert!(matches!(err, StoreError::Locked { .. }), "{err}");
        assert!(err.to_string().contains("graph is locked by another process"));
        assert!(matches!(save(&path, &PropertyGraph::new()), Err(StoreError::Locked { .. })));
        drop(first);
        let second = GraphFile::open(&path, OpenMode::MustExist).unwrap();
        assert!(second.existed());
        assert_eq!(second.graph().nodes_by_name("Gao").len(), 1);
    }

    #[test]
    fn missing_file_and_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.kg");
        assert!(matches!(load(&path), Err(StoreError::NotFound { .. })));
        assert!(matches!(GraphFile::open(&path, OpenMode::MustExist), Err(StoreError::NotFound { .. })));
        assert!(!sibling(&path, ".lock").exists(), "no lock file for a refused open");
        let nested = dir.path().join("no/such/dir/g.kg");
        let err = GraphFile::open(&nested, OpenMode::CreateIfMissing).unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }

    #[test]
    fn replace_ignores_the_old_graph_until_save() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.kg");
        let mut old = PropertyGraph::new();
        old.add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        save(&path, &old).unwrap();
        let mut f = GraphFile::open(&path, OpenMode::Replace).unwrap();
        assert_eq!(f.graph().node_count(), 0);
        assert_eq!(load(&path).unwrap(), old);
        f.save().unwrap();
        assert_eq!(load(&path).unwrap(), PropertyGraph::new());
        assert!(!sibling(&path, ".tmp").exists());
    }

    #[test]
    fn replace_refuses_a_file_that_is_not_a_graph() {
        let dir = tempfile::tempdir().unwrap();
        let notes = dir.path().join("notes.txt");
        fs::write(&notes, b"my notes").unwrap();
        let err = GraphFile::open(&notes, OpenMode::Replace).unwrap_err();
        assert!(err.to_string().contains("refusing to overwrite"), "{err}");
        assert_eq!(fs::read(&notes).unwrap(), b"my notes");
        let empty = dir.path().join("empty.kg");
        fs::write(&empty, b"").unwrap();
        GraphFile::open(&empty, OpenMode::Replace).unwrap();
    }

    #[test]
    fn directories_are_not_graph_files() {
        let dir = tempfile::tempdir().unwrap();
        for mode in [OpenMode::CreateIfMissing, OpenMode::MustExist, OpenMode::Replace] {
            let err = GraphFile::open(dir.path(), mode).unwrap_err();
            assert!(err.to_string().contains("is a directory"), "{err}");
        }
        assert!(load(dir.path()).unwrap_err().to_string().contains("is a directory"));
        assert!(!sibling(dir.path(), ".lock").exists(), "no lock file beside a directory");
        let err = GraphFile::open(dir.path().join(".."), OpenMode::CreateIfMissing).unwrap_err();
        assert!(err.to_string().contains("not a file name"), "{err}");
    }

    #[test]
    fn lazy_files_lock_only_while_writing_and_name_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.kg");
        let lock_path = sibling(&path, ".lock");
        let mut reader = GraphFile::open(&path, OpenMode::Lazy).unwrap();
        assert!(!reader.is_writing());
        assert!(!lock_path.exists(), "a lazy open takes no lock");
        // Another writer saves while the lazy session is open.
        let mut other = GraphFile::open(&path, OpenMode::CreateIfMissing).unwrap();
        other.graph_mut().add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        other.save().unwrap();
        let err = reader.begin_write().unwrap_err();
        assert!(err.to_string().contains(&format!("pid {}", std::process::id())), "names the holder: {err}");
        drop(other);
        assert!(reader.begin_write().unwrap(), "the changed file is read again");
        assert_eq!(reader.graph().nodes_by_name("Gao").len(), 1);
        reader.graph_mut().add_node(["Place"], [("name", Value::from("Mopti"))]).unwrap();
        reader.save().unwrap();
        reader.end_write();
        assert_eq!(fs::read_to_string(&lock_path).unwrap(), "", "a released lock names nobody");
        assert_eq!(load(&path).unwrap().node_count(), 2);
    }

    #[test]
    fn a_save_never_overwrites_another_writers_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.kg");
        let mut lazy = GraphFile::open(&path, OpenMode::Lazy).unwrap();
        save(&path, &PropertyGraph::new()).unwrap();
        lazy.graph_mut().add_node(["Place"], [("name", Value::from("Gao"))]).unwrap();
        let err = lazy.save().unwrap_err();
        assert!(matches!(err, StoreError::ChangedOnDisk { .. }), "{err}");
        assert_eq!(load(&path).unwrap().node_count(), 0);
    }

    #[test]
    fn the_lock_of_a_graph_never_written_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.kg");
        let mut f = GraphFile::open(&path, OpenMode::Lazy).unwrap();
        f.begin_write().unwrap();
        assert!(sibling(&path, ".lock").exists());
        f.end_write();
        assert!(!sibling(&path, ".lock").exists());
        assert!(!path.exists());
    }
}
