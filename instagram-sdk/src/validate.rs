//! Checks run before any request: caption limits, collaborator handles,
//! media URLs, and the size, type and aspect ratio of local JPEG files.

use std::path::Path;

use social_core::{Error, Result};
use tokio::io::AsyncReadExt;
use url::Url;

/// The maximum caption length Instagram accepts, in characters.
pub const MAX_CAPTION_CHARS: usize = 2_200;
/// The maximum number of hashtags in a caption.
pub const MAX_HASHTAGS: usize = 30;
/// The maximum number of `@` mentions in a caption.
pub const MAX_MENTIONS: usize = 20;
/// The maximum alt text length for an image, in characters.
pub const MAX_ALT_TEXT_CHARS: usize = 1_000;
/// The largest image Instagram accepts: 8 MiB.
pub const MAX_IMAGE_BYTES: u64 = 8 * 1024 * 1024;
/// The narrowest feed image: 4:5 (width over height).
pub const MIN_ASPECT_RATIO: f64 = 4.0 / 5.0;
/// The widest feed image: 1.91:1.
pub const MAX_ASPECT_RATIO: f64 = 1.91;

/// Checks a caption's characters, length, hashtags and mentions.
pub(crate) fn caption(text: &str) -> Result<()> {
    no_control_characters("caption", text)?;
    let chars = text.chars().count();
    if chars > MAX_CAPTION_CHARS {
        return Err(Error::invalid_input(
            "caption",
            format!("has {chars} characters; Instagram accepts at most {MAX_CAPTION_CHARS}"),
        ));
    }
    let hashtags = count_tags(text, '#');
    if hashtags > MAX_HASHTAGS {
        return Err(Error::invalid_input(
            "caption",
            format!("has {hashtags} hashtags; Instagram accepts at most {MAX_HASHTAGS}"),
        ));
    }
    let mentions = count_tags(text, '@');
    if mentions > MAX_MENTIONS {
        return Err(Error::invalid_input(
            "caption",
            format!("mentions {mentions} accounts; Instagram accepts at most {MAX_MENTIONS}"),
        ));
    }
    Ok(())
}

/// Rejects control characters other than tab and line breaks, which no
/// caption needs and which usually come from a broken string.
fn no_control_characters(field: &str, text: &str) -> Result<()> {
    social_core::text::check_control_characters(field, text)
}

/// Counts `#tag` or `@name` tokens: the marker at the start of a word,
/// followed by a letter, digit or underscore.
fn count_tags(text: &str, marker: char) -> usize {
    let mut count = 0;
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let word_start = previous.is_none_or(|p| !(p.is_alphanumeric() || p == '_'));
        let followed = chars
            .peek()
            .is_some_and(|n| n.is_alphanumeric() || *n == '_');
        if c == marker && word_start && followed {
            count += 1;
        }
        previous = Some(c);
    }
    count
}

/// Checks alt text characters and length.
pub(crate) fn alt_text(text: &str) -> Result<()> {
    no_control_characters("alt_text", text)?;
    let chars = text.chars().count();
    if chars > MAX_ALT_TEXT_CHARS {
        return Err(Error::invalid_input(
            "alt_text",
            format!("has {chars} characters; Instagram accepts at most {MAX_ALT_TEXT_CHARS}"),
        ));
    }
    Ok(())
}

/// Checks collaborator handles: usernames without a leading `@`, at most `max`.
pub(crate) fn collaborators(names: &[String], max: Option<usize>) -> Result<()> {
    if let Some(max) = max
        && names.len() > max
    {
        return Err(Error::invalid_input(
            "collaborators",
            format!(
                "has {} usernames; Instagram accepts at most {max} here",
                names.len()
            ),
        ));
    }
    for name in names {
        if name.starts_with('@') {
            return Err(Error::invalid_input(
                "collaborators",
                format!("`{name}` starts with @; pass the username without it"),
            ));
        }
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_');
        if !valid {
            return Err(Error::invalid_input(
                "collaborators",
                format!("`{name}` is not an Instagram username (letters, digits, `.` and `_`)"),
            ));
        }
    }
    Ok(())
}

/// Parses a media URL that Instagram downloads itself. It must be `https`;
/// plain `http` is accepted only on loopback hosts, for local fakes.
pub(crate) fn media_url(field: &str, value: &str) -> Result<Url> {
    let url = Url::parse(value.trim())
        .map_err(|e| Error::invalid_input(field, format!("`{value}` is not a valid URL ({e})")))?;
    if url.host().is_none() {
        return Err(Error::invalid_input(
            field,
            format!("`{value}` has no host"),
        ));
    }
    let loopback = social_core::settings::is_loopback(&url);
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        scheme => Err(Error::invalid_input(
            field,
            format!(
                "`{value}` uses {scheme}; Instagram downloads media only from public https URLs"
            ),
        )),
    }
}

/// Checks an id that becomes a path segment: digits only.
pub(crate) fn numeric_id(field: &str, id: &str) -> Result<String> {
    let id = id.trim();
    if id.is_empty() {
        return Err(Error::invalid_input(field, "is empty; pass the numeric id"));
    }
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid_input(
            field,
            format!("`{id}` is not a numeric id; use the id, not a username or URL"),
        ));
    }
    Ok(id.to_owned())
}

/// The size and dimensions of a local JPEG file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JpegInfo {
    pub(crate) len: u64,
    pub(crate) width: u32,
    pub(crate) height: u32,
}

/// Reads a local image and checks that it is a JPEG of at most 8 MiB; with
/// `check_ratio`, also that its aspect ratio lies in 4:5 to 1.91:1.
pub(crate) async fn jpeg_file(field: &str, path: &Path, check_ratio: bool) -> Result<JpegInfo> {
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
    let len = metadata.len();
    if len > MAX_IMAGE_BYTES {
        return Err(Error::invalid_input(
            field,
            format!(
                "{} has {len} bytes; Instagram accepts images of at most 8 MiB ({MAX_IMAGE_BYTES} bytes)",
                path.display()
            ),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    tokio::fs::File::open(path)
        .await
        .map_err(|e| Error::io(path, e))?
        .read_to_end(&mut bytes)
        .await
        .map_err(|e| Error::io(path, e))?;
    let Some((width, height)) = jpeg_dimensions(&bytes) else {
        return Err(Error::invalid_input(
            field,
            format!(
                "{} is not a JPEG file; Instagram accepts only JPEG images, so convert it first",
                path.display()
            ),
        ));
    };
    if check_ratio {
        aspect_ratio(field, path, width, height)?;
    }
    Ok(JpegInfo { len, width, height })
}

fn aspect_ratio(field: &str, path: &Path, width: u32, height: u32) -> Result<()> {
    let ratio = f64::from(width) / f64::from(height.max(1));
    // A small tolerance, so 1080x1350 (exactly 4:5) and 1910x1000 pass.
    let inside = (MIN_ASPECT_RATIO - 1e-9..=MAX_ASPECT_RATIO + 1e-9).contains(&ratio);
    if inside {
        return Ok(());
    }
    Err(Error::invalid_input(
        field,
        format!(
            "{} is {width}x{height} (aspect ratio {ratio:.2}:1); feed images must lie between 4:5 \
             (0.8:1) and 1.91:1, so crop it",
            path.display()
        ),
    ))
}

/// Reads width and height from the first start-of-frame marker of a JPEG,
/// or returns `None` when the bytes are not a baseline, extended,
/// progressive or lossless JPEG.
pub(crate) fn jpeg_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.get(..3)? != [0xFF, 0xD8, 0xFF] {
        return None;
    }
    let mut at = 2;
    loop {
        // Markers may be padded with extra 0xFF bytes.
        while *bytes.get(at)? == 0xFF && *bytes.get(at + 1)? == 0xFF {
            at += 1;
        }
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        // Markers without a length: TEM and RST0..RST7.
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            at += 2;
            continue;
        }
        if marker == 0xD9 || marker == 0xDA {
            // End of image, or scan data before any frame header.
            return None;
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        if length < 2 {
            return None;
        }
        if is_start_of_frame(marker) {
            let height = u16::from_be_bytes([*bytes.get(at + 5)?, *bytes.get(at + 6)?]);
            let width = u16::from_be_bytes([*bytes.get(at + 7)?, *bytes.get(at + 8)?]);
            return (width > 0 && height > 0).then_some((u32::from(width), u32::from(height)));
        }
        at += 2 + length;
    }
}

/// SOF0..SOF15, less DHT (C4), JPG (C8) and DAC (CC), which share the range.
fn is_start_of_frame(marker: u8) -> bool {
    (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        // An APP0 segment, to be skipped.
        bytes.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46]);
        bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 0x08]);
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&[0x01, 0x01, 0x11, 0x00]);
        bytes.extend_from_slice(&[0xFF, 0xD9]);
        bytes
    }

    #[test]
    fn dimensions_read_from_frame_header() {
        assert_eq!(jpeg_dimensions(&jpeg(640, 480)), Some((640, 480)));
        assert_eq!(jpeg_dimensions(&jpeg(1080, 1350)), Some((1080, 1350)));
    }

    #[test]
    fn non_jpeg_and_cut_files_rejected() {
        let full = jpeg(640, 480);

        assert_eq!(jpeg_dimensions(b"\x89PNG\r\n\x1a\n"), None);
        assert_eq!(jpeg_dimensions(&full[..12]), None);
        assert_eq!(jpeg_dimensions(&[]), None);
        assert_eq!(jpeg_dimensions(&[0xFF, 0xD8, 0xFF, 0xD9]), None);
    }

    #[test]
    fn caption_limits_enforced() {
        let long = "a".repeat(MAX_CAPTION_CHARS + 1);
        let hashtags = (0..31)
            .map(|i| format!("#tag{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        let mentions = (0..21)
            .map(|i| format!("@user{i}"))
            .collect::<Vec<_>>()
            .join(" ");

        assert!(caption(&"é".repeat(MAX_CAPTION_CHARS)).is_ok());
        assert!(caption(&long).is_err());
        assert!(caption(&hashtags).is_err());
        assert!(caption(&mentions).is_err());
        assert!(caption("mail me at a@b.com, 100# sure #one @two").is_ok());
    }

    #[test]
    fn tags_counted_at_word_starts() {
        assert_eq!(count_tags("#a #b c#d # #_e", '#'), 3);
        assert_eq!(count_tags("@x a@b.c (@y)", '@'), 2);
    }

    #[test]
    fn collaborators_checked() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

        assert!(collaborators(&names(&["a.b", "c_d"]), Some(3)).is_ok());
        assert!(collaborators(&names(&["@a"]), None).is_err());
        assert!(collaborators(&names(&["a b"]), None).is_err());
        assert!(collaborators(&names(&["a", "b", "c", "d"]), Some(3)).is_err());
    }

    #[test]
    fn media_urls_checked() {
        assert!(media_url("image_url", "https://cdn.example.com/a.jpg?sig=1").is_ok());
        assert!(media_url("image_url", "http://127.0.0.1:8080/a.jpg").is_ok());
        assert!(media_url("image_url", "http://cdn.example.com/a.jpg").is_err());
        assert!(media_url("image_url", "not a url").is_err());
    }
}
