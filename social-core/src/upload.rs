//! Upload plumbing: chunk plans, file slices streamed into request bodies,
//! file identity for resumable sessions, and progress reporting.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::error::{Error, Result};
use crate::media::MediaSource;

/// Size of each read from disk while streaming a slice.
const READ_BUFFER: usize = 128 * 1024;

/// One chunk of an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// Position in the plan, from 0.
    pub index: u64,
    /// Offset of the first byte.
    pub start: u64,
    /// Number of bytes.
    pub len: u64,
}

impl Chunk {
    /// Returns the offset of the last byte (inclusive), as `Content-Range` uses it.
    pub fn last_byte(&self) -> u64 {
        self.start + self.len.saturating_sub(1)
    }

    /// Returns the offset just past the chunk.
    pub fn end(&self) -> u64 {
        self.start + self.len
    }

    /// Returns the `Content-Range` value `bytes FIRST-LAST/TOTAL`.
    pub fn content_range(&self, total: u64) -> String {
        format!("bytes {}-{}/{}", self.start, self.last_byte(), total)
    }
}

/// A division of a file into chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkPlan {
    total: u64,
    chunk_size: u64,
    count: u64,
}

impl ChunkPlan {
    /// Chunks of `chunk_size` bytes with a shorter last chunk: the rule of
    /// X, YouTube and Facebook. An empty file is one empty chunk.
    pub fn fixed(total: u64, chunk_size: u64) -> Result<ChunkPlan> {
        if chunk_size == 0 {
            return Err(Error::invalid_input("chunk_size", "must be greater than 0"));
        }
        let count = total.div_ceil(chunk_size).max(1);
        Ok(ChunkPlan {
            total,
            chunk_size,
            count,
        })
    }

    /// `floor(total / chunk_size)` chunks, the last one taking the trailing
    /// bytes, so it may be up to twice `chunk_size` minus one: TikTok's rule.
    /// A file smaller than `chunk_size` is one chunk of the whole file.
    pub fn floor(total: u64, chunk_size: u64) -> Result<ChunkPlan> {
        if chunk_size == 0 {
            return Err(Error::invalid_input("chunk_size", "must be greater than 0"));
        }
        let count = (total / chunk_size).max(1);
        let chunk_size = if total < chunk_size {
            total
        } else {
            chunk_size
        };
        Ok(ChunkPlan {
            total,
            chunk_size,
            count,
        })
    }

    /// Returns the total size in bytes.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Returns the nominal chunk size.
    pub fn chunk_size(&self) -> u64 {
        self.chunk_size
    }

    /// Returns the number of chunks.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Returns chunk `index`, or `None` past the end.
    pub fn chunk(&self, index: u64) -> Option<Chunk> {
        if index >= self.count {
            return None;
        }
        let start = index * self.chunk_size;
        let len = if index + 1 == self.count {
            self.total - start
        } else {
            self.chunk_size
        };
        Some(Chunk { index, start, len })
    }

    /// Returns every chunk in order.
    pub fn chunks(&self) -> impl Iterator<Item = Chunk> + '_ {
        (0..self.count).filter_map(|i| self.chunk(i))
    }

    /// Returns the chunk containing byte `offset`.
    pub fn chunk_containing(&self, offset: u64) -> Option<Chunk> {
        if offset >= self.total {
            return None;
        }
        let index = (offset / self.chunk_size.max(1)).min(self.count - 1);
        self.chunk(index)
    }

    /// Returns the size of the largest chunk.
    pub fn largest_chunk(&self) -> u64 {
        let first = self.chunk(0).map_or(0, |c| c.len);
        let last = self.chunk(self.count - 1).map_or(0, |c| c.len);
        first.max(last)
    }
}

/// Builds a request body for `len` bytes of `source` from `offset`.
///
/// A file is opened when the body is first polled and read in 128 KiB
/// pieces, so memory does not grow with the chunk size, and each call opens
/// the file anew, so a retried chunk is re-read from disk. Set
/// `Content-Length` to `len` on the request: a streamed body has no length
/// of its own.
pub fn slice_body(source: &MediaSource, offset: u64, len: u64) -> Result<reqwest::Body> {
    match source {
        MediaSource::File(path) => Ok(reqwest::Body::wrap_stream(file_slice_stream(
            path.clone(),
            offset,
            len,
        ))),
        MediaSource::Bytes { data, .. } => {
            let start = usize::try_from(offset).ok();
            let end = offset
                .checked_add(len)
                .and_then(|e| usize::try_from(e).ok());
            match (start, end) {
                (Some(start), Some(end)) if end <= data.len() => Ok(data.slice(start..end).into()),
                _ => Err(Error::invalid_input(
                    "media",
                    format!(
                        "range {offset}+{len} is outside the {} bytes in memory",
                        data.len()
                    ),
                )),
            }
        }
        MediaSource::Url(url) => Err(Error::invalid_input(
            "media",
            format!("{url} is a URL; an upload body needs a local file or bytes"),
        )),
    }
}

enum SliceState {
    Closed {
        path: PathBuf,
        offset: u64,
        remaining: u64,
    },
    Open {
        file: tokio::fs::File,
        remaining: u64,
    },
}

/// Streams `len` bytes of the file at `path` from `offset`. The stream fails
/// with `UnexpectedEof` when the file turns out shorter, which means it
/// changed during the upload.
pub fn file_slice_stream(
    path: PathBuf,
    offset: u64,
    len: u64,
) -> impl Stream<Item = io::Result<Bytes>> + Send + 'static {
    let initial = SliceState::Closed {
        path,
        offset,
        remaining: len,
    };
    futures_util::stream::try_unfold(initial, |state| async move {
        let (mut file, remaining) = match state {
            SliceState::Closed { remaining: 0, .. } | SliceState::Open { remaining: 0, .. } => {
                return Ok(None);
            }
            SliceState::Closed {
                path,
                offset,
                remaining,
            } => {
                let mut file = tokio::fs::File::open(&path).await?;
                file.seek(io::SeekFrom::Start(offset)).await?;
                (file, remaining)
            }
            SliceState::Open { file, remaining } => (file, remaining),
        };
        let want = usize::try_from(remaining)
            .unwrap_or(usize::MAX)
            .min(READ_BUFFER);
        let mut buffer = BytesMut::with_capacity(want);
        while buffer.len() < want {
            let read = (&mut file)
                .take((want - buffer.len()) as u64)
                .read_buf(&mut buffer)
                .await?;
            if read == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!("the file ended {remaining} bytes early; it changed during the upload"),
                ));
            }
        }
        let remaining = remaining - buffer.len() as u64;
        Ok(Some((
            buffer.freeze(),
            SliceState::Open { file, remaining },
        )))
    })
}

/// The identity of a file in a resumable upload: path, size and
/// modification time. A saved session is resumed only when all three match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    /// The file's path.
    pub path: PathBuf,
    /// Its size in bytes.
    pub len: u64,
    /// Its modification time in nanoseconds since the Unix epoch, when the
    /// file system reports one.
    pub modified_unix_nanos: Option<u128>,
}

impl FileIdentity {
    /// Checks that the file still has this identity, so an upload never
    /// mixes bytes of two versions of a file. Returns an `Io` error naming
    /// the file when its size or modification time changed.
    pub async fn ensure_unchanged(&self) -> Result<()> {
        let now = FileIdentity::read(&self.path).await?;
        if now.len != self.len || now.modified_unix_nanos != self.modified_unix_nanos {
            return Err(Error::io(
                &self.path,
                io::Error::other(format!(
                    "the file changed during the upload ({} bytes before, {} now); upload it again",
                    self.len, now.len
                )),
            ));
        }
        Ok(())
    }

    /// Reads the identity of the file at `path`.
    pub async fn read(path: &Path) -> Result<FileIdentity> {
        let metadata = tokio::fs::metadata(path)
            .await
            .map_err(|e| Error::io(path, e))?;
        let modified_unix_nanos = metadata
            .modified()
            .ok()
            .and_then(|m| m.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map(|d| d.as_nanos());
        Ok(FileIdentity {
            path: path.to_path_buf(),
            len: metadata.len(),
            modified_unix_nanos,
        })
    }
}

/// Upload progress: bytes the server has confirmed, out of the total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadProgress {
    /// Bytes confirmed by the server so far.
    pub uploaded: u64,
    /// Size of the whole upload.
    pub total: u64,
}

impl UploadProgress {
    /// Returns the share done, from 0.0 to 1.0.
    pub fn fraction(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.uploaded as f64 / self.total as f64
        }
    }
}

/// A callback for upload progress. It is called after every chunk the server
/// confirms, and again after a resume moves the offset.
#[derive(Clone)]
pub struct ProgressCallback(Arc<dyn Fn(UploadProgress) + Send + Sync>);

impl ProgressCallback {
    /// Wraps a function.
    pub fn new(callback: impl Fn(UploadProgress) + Send + Sync + 'static) -> ProgressCallback {
        ProgressCallback(Arc::new(callback))
    }

    /// Reports `uploaded` of `total` bytes.
    pub fn report(&self, uploaded: u64, total: u64) {
        (self.0)(UploadProgress { uploaded, total });
    }
}

impl fmt::Debug for ProgressCallback {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressCallback")
    }
}

/// Reports progress when a callback is set.
pub fn report_progress(callback: Option<&ProgressCallback>, uploaded: u64, total: u64) {
    if let Some(callback) = callback {
        callback.report(uploaded, total);
    }
}

/// The shortest wait between two status checks, whatever the settings.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Polling settings for media processing: the first wait, the longest wait,
/// and the deadline after which a `Timeout` error keeps the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollSettings {
    /// Wait before the first status check when the platform gives no hint.
    pub initial_interval: Duration,
    /// Maximum wait between two checks.
    pub max_interval: Duration,
    /// Total time to keep polling. Default 30 minutes: large videos take
    /// long, and giving up after a minute strands finished uploads.
    pub deadline: Duration,
}

impl Default for PollSettings {
    fn default() -> Self {
        PollSettings {
            initial_interval: Duration::from_secs(2),
            max_interval: Duration::from_secs(60),
            deadline: Duration::from_secs(30 * 60),
        }
    }
}

impl PollSettings {
    /// Returns the wait before check number `attempt` (from 1): the
    /// platform's hint when it is at least 1 s (capped at `max_interval`),
    /// else the initial interval doubling up to `max_interval`.
    pub fn interval(&self, attempt: u32, hint: Option<Duration>) -> Duration {
        // A hint under a second (often 0) would make the loop poll once a
        // second, or spin, until the deadline, so it counts as no hint.
        let wait = match hint.filter(|h| *h >= Duration::from_secs(1)) {
            Some(hint) => hint.min(self.max_interval),
            None => {
                let exponent = attempt.saturating_sub(1).min(20);
                self.initial_interval
                    .saturating_mul(1u32 << exponent)
                    .min(self.max_interval)
            }
        };
        // Settings of zero must not turn the poll into a busy loop.
        wait.max(MIN_POLL_INTERVAL)
    }
}

#[cfg(test)]
mod tests;
