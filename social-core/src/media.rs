//! Media sources (a file, bytes in memory, or a public URL for platforms that
//! pull) with their length and MIME type.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use mime::Mime;
use tokio::io::AsyncReadExt;
use url::Url;

use crate::error::{Error, Result};

/// The origin of media: a file, bytes in memory or a public URL.
#[derive(Debug, Clone)]
pub enum MediaSource {
    /// A local file, streamed from disk and never read whole into memory.
    File(PathBuf),
    /// Bytes already in memory, with an optional file name for type detection.
    Bytes {
        /// The content.
        data: Bytes,
        /// A file name such as `clip.mp4`, used when the bytes are not recognised.
        file_name: Option<String>,
    },
    /// A public `https` URL the platform downloads itself (TikTok's
    /// `PULL_FROM_URL`, Instagram's `image_url`, Facebook's `url`).
    Url(Url),
}

/// Length and type of a local media source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInfo {
    /// Size in bytes.
    pub len: u64,
    /// MIME type, from the magic bytes when recognised, else from the file
    /// name's extension, else `application/octet-stream`.
    pub mime: Mime,
    /// File name, when known.
    pub file_name: Option<String>,
}

impl MediaSource {
    /// Creates a source for a file on disk.
    pub fn file(path: impl Into<PathBuf>) -> MediaSource {
        MediaSource::File(path.into())
    }

    /// Bytes in memory.
    pub fn bytes(data: impl Into<Bytes>, file_name: Option<&str>) -> MediaSource {
        MediaSource::Bytes {
            data: data.into(),
            file_name: file_name.map(str::to_owned),
        }
    }

    /// A public URL; it must be `https`.
    pub fn url(url: &str) -> Result<MediaSource> {
        let parsed = Url::parse(url).map_err(|e| {
            Error::invalid_input("media_url", format!("`{url}` is not a valid URL ({e})"))
        })?;
        if parsed.scheme() != "https" {
            return Err(Error::invalid_input(
                "media_url",
                format!("`{url}` must be an https URL the platform can download"),
            ));
        }
        Ok(MediaSource::Url(parsed))
    }

    /// Reads the length and type of a file or in-memory source. A URL has
    /// neither locally and gives `InvalidInput`; use [`MediaSource::as_url`].
    pub async fn probe(&self) -> Result<MediaInfo> {
        self.probe_as("media").await
    }

    /// Like [`MediaSource::probe`], naming `field` in the `InvalidInput`
    /// error for a missing file, a directory or a URL source.
    pub async fn probe_as(&self, field: &str) -> Result<MediaInfo> {
        match self {
            MediaSource::File(path) => probe_file(field, path).await,
            MediaSource::Bytes { data, file_name } => Ok(MediaInfo {
                len: data.len() as u64,
                mime: detect_mime(file_name.as_deref(), data),
                file_name: file_name.clone(),
            }),
            MediaSource::Url(url) => Err(Error::invalid_input(
                field,
                format!("{url} is a URL; this call needs a local file or bytes"),
            )),
        }
    }

    /// Returns the URL of a URL source.
    pub fn as_url(&self) -> Option<&Url> {
        match self {
            MediaSource::Url(url) => Some(url),
            _ => None,
        }
    }

    /// Returns a short description for logs and errors (the path, the URL
    /// without its query, or the byte count).
    pub fn describe(&self) -> String {
        match self {
            MediaSource::File(path) => path.display().to_string(),
            MediaSource::Bytes { data, file_name } => match file_name {
                Some(name) => format!("{name} ({} bytes in memory)", data.len()),
                None => format!("{} bytes in memory", data.len()),
            },
            MediaSource::Url(url) => {
                let mut url = url.clone();
                url.set_query(None);
                url.to_string()
            }
        }
    }
}

async fn probe_file(field: &str, path: &Path) -> Result<MediaInfo> {
    let metadata = tokio::fs::metadata(path).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::invalid_input(
                field,
                format!("{} does not exist; check the path", path.display()),
            )
        } else {
            Error::io(path, e)
        }
    })?;
    if !metadata.is_file() {
        return Err(Error::invalid_input(
            field,
            format!("{} is not a regular file", path.display()),
        ));
    }
    let mut head = Vec::with_capacity(32);
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| Error::io(path, e))?;
    file.take(32)
        .read_to_end(&mut head)
        .await
        .map_err(|e| Error::io(path, e))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    Ok(MediaInfo {
        len: metadata.len(),
        mime: detect_mime(file_name.as_deref(), &head),
        file_name,
    })
}

/// Detects the MIME type from the first bytes, falling back to the file
/// name's extension, then to `application/octet-stream`.
///
/// Magic bytes win over the extension: a JPEG saved as `photo.png` is a JPEG
/// to every platform. The extension counts only for formats without a
/// reliable signature (MPEG-TS, subtitles), so a text file named `clip.mp4`
/// is `application/octet-stream`, not a video.
pub fn detect_mime(file_name: Option<&str>, head: &[u8]) -> Mime {
    sniff_magic(head)
        .or_else(|| {
            file_name
                .and_then(mime_from_extension)
                .filter(|m| !has_signature(m))
        })
        .and_then(|m| m.parse().ok())
        .unwrap_or(mime::APPLICATION_OCTET_STREAM)
}

/// Tells whether files of this type always start with a signature that
/// `sniff_magic` recognises.
fn has_signature(mime: &str) -> bool {
    !matches!(mime, "video/mp2t" | "text/srt" | "text/vtt")
}

fn sniff_magic(head: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Some("image/jpeg");
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Some("image/png");
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Some("image/gif");
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some("image/webp");
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"AVI " {
        return Some("video/x-msvideo");
    }
    if starts(b"BM") && head.len() >= 14 {
        return Some("image/bmp");
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Some("image/tiff");
    }
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        // EBML: WebM and Matroska share it; the DocType is further in.
        let is_webm = head.windows(4).any(|w| w == b"webm");
        return Some(if is_webm {
            "video/webm"
        } else {
            "video/x-matroska"
        });
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return Some(match &head[8..12] {
            b"qt  " => "video/quicktime",
            b"heic" | b"heix" | b"mif1" | b"msf1" => "image/heic",
            b"avif" => "image/avif",
            _ => "video/mp4",
        });
    }
    None
}

fn mime_from_extension(file_name: &str) -> Option<&'static str> {
    let ext = Path::new(file_name)
        .extension()?
        .to_str()?
        .to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "heic" => "image/heic",
        "mp4" | "m4v" => "video/mp4",
        "mov" | "qt" => "video/quicktime",
        "webm" => "video/webm",
        "mkv" => "video/x-matroska",
        "avi" => "video/x-msvideo",
        "ts" | "m2ts" => "video/mp2t",
        "srt" => "text/srt",
        "vtt" => "text/vtt",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_bytes_detected() {
        let cases: [(&[u8], &str); 9] = [
            (&[0xFF, 0xD8, 0xFF, 0xE0], "image/jpeg"),
            (b"\x89PNG\r\n\x1a\n....", "image/png"),
            (b"GIF89a......", "image/gif"),
            (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
            (b"\0\0\0\x20ftypisom\0\0\x02\0", "video/mp4"),
            (b"\0\0\0\x14ftypqt  \0\0\0\0", "video/quicktime"),
            (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm", "video/webm"),
            (b"II*\0\x08\0\0\0", "image/tiff"),
            (b"BM\x36\0\0\0\0\0\0\0\x36\0\0\0", "image/bmp"),
        ];
        for (head, expected) in cases {
            assert_eq!(detect_mime(None, head).essence_str(), expected);
        }
    }

    #[test]
    fn magic_beats_extension() {
        let mime = detect_mime(Some("photo.png"), &[0xFF, 0xD8, 0xFF, 0xDB]);

        assert_eq!(mime.essence_str(), "image/jpeg");
    }

    #[test]
    fn extension_used_when_magic_unknown() {
        assert_eq!(
            detect_mime(Some("CLIP.MOV"), b"????"),
            mime::APPLICATION_OCTET_STREAM
        );
        assert_eq!(
            detect_mime(Some("notes.mp4"), b"not a video"),
            mime::APPLICATION_OCTET_STREAM
        );
        assert_eq!(
            detect_mime(Some("captions.vtt"), b"WEBVTT").essence_str(),
            "text/vtt"
        );
        assert_eq!(
            detect_mime(Some("x.ts"), b"\x47....").essence_str(),
            "video/mp2t"
        );
        assert_eq!(
            detect_mime(Some("notes.txt"), b"hello"),
            mime::APPLICATION_OCTET_STREAM
        );
        assert_eq!(detect_mime(None, b""), mime::APPLICATION_OCTET_STREAM);
    }

    #[test]
    fn url_source_must_be_https() {
        assert!(MediaSource::url("https://cdn.example.com/a.jpg").is_ok());

        let err = MediaSource::url("http://cdn.example.com/a.jpg").expect_err("http rejected");

        assert!(err.to_string().contains("media_url"));
    }

    #[test]
    fn url_description_drops_query() {
        let source = MediaSource::url("https://cdn.example.com/a.jpg?sig=secret").expect("valid");

        assert_eq!(source.describe(), "https://cdn.example.com/a.jpg");
    }

    #[tokio::test]
    async fn probe_reads_file_length_and_type() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("clip.bin");
        std::fs::write(&path, b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom").expect("write");

        let info = MediaSource::file(&path).probe().await.expect("probe");

        assert_eq!(info.len, 24);
        assert_eq!(info.mime.essence_str(), "video/mp4");
        assert_eq!(info.file_name.as_deref(), Some("clip.bin"));
    }

    #[tokio::test]
    async fn probe_missing_file_is_invalid_input() {
        let err = MediaSource::file("/nonexistent/clip.mp4")
            .probe()
            .await
            .expect_err("missing file");

        assert!(matches!(err, Error::InvalidInput(_)));
        assert!(err.to_string().contains("/nonexistent/clip.mp4"));
    }

    #[tokio::test]
    async fn probe_directory_rejected() {
        let dir = tempfile::tempdir().expect("tempdir");

        let err = MediaSource::file(dir.path())
            .probe()
            .await
            .expect_err("a directory");

        assert!(matches!(err, Error::InvalidInput(_)));
    }
}
