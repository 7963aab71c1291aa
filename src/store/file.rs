//! Whole-file operations: load, atomic save, and [`GraphFile`], the writer handle that holds the
//! advisory lock.
//!
//! The lock lives in a sibling file `PATH.lock` rather than on PATH itself: a save replaces
//! PATH by renaming a new file over it, and a lock on the old inode would not stop a second
//! writer from opening the new one. Readers never lock: a rename is atomic, so a reader sees the
//! old file or the new one, never a half-written one.

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
}

/// A graph opened for writing: holds the writer lock from open until dropped.
#[derive(Debug)]
pub struct GraphFile {
    path: PathBuf,
    graph: PropertyGraph,
    existed: bool,
    _lock: Lock,
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
        let lock = Lock::acquire(path)?;
        // A save killed between writing PATH.tmp and the rename leaves it behind; only the
        // lock holder writes it, so under the lock it is stale and safe to remove.
        let _ = fs::remove_file(sibling(path, ".tmp"));
        let existed = path.exists();
        let graph = match mode {
            OpenMode::Replace if existed => {
                refuse_foreign_file(path)?;
                PropertyGraph::new()
            }
            OpenMode::Replace => PropertyGraph::new(),
            OpenMode::CreateIfMissing if !existed => PropertyGraph::new(),
            OpenMode::CreateIfMissing | OpenMode::MustExist => load(path)?,
        };
        Ok(GraphFile { path: path.to_path_buf(), graph, existed, _lock: lock })
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

    /// Saves the graph atomically; the lock stays held.
    ///
    /// # Errors
    /// [`StoreError::Io`], [`StoreError::Unencodable`].
    pub fn save(&mut self) -> Result<(), StoreError> {
        write_atomic(&self.path, &self.graph)?;
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
    } else if fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        // Reading a FIFO or a device would block or never end.
        "is not a regular file (a FIFO, device or socket), not a graph file"
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
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Unlock explicitly instead of relying on close: a child forked by another thread
        // shares the open file description (and so the lock) until it execs, and would
        // otherwise keep the graph locked for that moment after we are done.
        let _ = fs4::fs_std::FileExt::unlock(&self.file);
    }
}

impl Lock {
    fn acquire(path: &Path) -> Result<Lock, StoreError> {
        let dir = parent_dir(path);
        if !dir.is_dir() {
            let msg = format!("directory {} does not exist", dir.display());
            return Err(StoreError::io(path, io::Error::new(io::ErrorKind::NotFound, msg)));
        }
        let lock_path = sibling(path, ".lock");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .map_err(|e| StoreError::io(&lock_path, e))?;
        match fs4::fs_std::FileExt::try_lock_exclusive(&file) {
            Ok(true) => Ok(Lock { file }),
            Ok(false) => Err(StoreError::Locked { path: path.to_path_buf() }),
            Err(e) => Err(StoreError::io(&lock_path, e)),
        }
    }
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
    fn a_fifo_is_refused_instead_of_read() {
        // Issue 13: `kg stats -g FIFO` hung reading it.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("g.kg");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = load(&fifo).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        let err = GraphFile::open(&fifo, OpenMode::CreateIfMissing).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
    }

    #[test]
    fn a_stale_tmp_from_a_killed_save_is_removed_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.kg");
        save(&path, &PropertyGraph::new()).unwrap();
        fs::write(sibling(&path, ".tmp"), b"half a graph").unwrap();
        let f = GraphFile::open(&path, OpenMode::MustExist).unwrap();
        assert!(!sibling(&path, ".tmp").exists());
        drop(f);
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
}
