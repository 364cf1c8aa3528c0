//! Reading and validating the bodies of the upload endpoints. Errors are
//! messages that name the field.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value};
use wiremock::Request;

use super::session::{CATEGORIES, MEDIA_TYPES, check_category};
use crate::testing::multipart;
use crate::testing::post_body::is_id;

/// The largest `total_bytes` X accepts (16 GiB).
const MAX_TOTAL_BYTES: u64 = 17_179_869_184;
const INITIALIZE_KEYS: [&str; 5] = [
    "additional_owners",
    "media_category",
    "media_type",
    "shared",
    "total_bytes",
];

/// A valid `initialize` body.
#[derive(Debug)]
pub(super) struct Initialize {
    pub(super) media_type: String,
    pub(super) category: Option<String>,
    pub(super) total_bytes: u64,
}

/// Parses the JSON body of `initialize`.
pub(super) fn initialize(body: &[u8]) -> Result<Initialize, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| format!("the body is not valid JSON: {error}"))?;
    let Value::Object(fields) = &value else {
        return Err("the body must be a JSON object".to_owned());
    };
    if let Some(key) = fields
        .keys()
        .find(|key| !INITIALIZE_KEYS.contains(&key.as_str()))
    {
        return Err(format!("the body has the unknown field `{key}`"));
    }
    let media_type = media_type(fields.get("media_type"))?;
    let total_bytes = fields
        .get("total_bytes")
        .and_then(Value::as_u64)
        .filter(|total| (1..=MAX_TOTAL_BYTES).contains(total))
        .ok_or(format!(
            "`total_bytes` is required and must be an integer from 1 to {MAX_TOTAL_BYTES}"
        ))?;
    let category = category(fields.get("media_category"))?;
    check_category(&media_type, category.as_deref(), total_bytes)?;
    check_sharing(fields)?;
    Ok(Initialize {
        media_type,
        category,
        total_bytes,
    })
}

fn media_type(value: Option<&Value>) -> Result<String, String> {
    match value.and_then(Value::as_str) {
        Some(media_type) if MEDIA_TYPES.contains(&media_type) => Ok(media_type.to_owned()),
        Some(media_type) => Err(format!("`media_type` {media_type} is not one X accepts")),
        None => Err("`media_type` is required and must be a string".to_owned()),
    }
}

fn category(value: Option<&Value>) -> Result<Option<String>, String> {
    match value {
        None => Ok(None),
        Some(Value::String(category)) if CATEGORIES.contains(&category.as_str()) => {
            Ok(Some(category.clone()))
        }
        Some(other) => Err(format!(
            "`media_category` {other} must be one of {}",
            CATEGORIES.join(", ")
        )),
    }
}

/// `shared` must be a JSON boolean (a string is rejected, as X rejects it
/// for DM media) and `additional_owners` an array of user ids.
fn check_sharing(fields: &Map<String, Value>) -> Result<(), String> {
    if fields
        .get("shared")
        .is_some_and(|shared| !shared.is_boolean())
    {
        return Err("`shared` must be a JSON boolean".to_owned());
    }
    match fields.get("additional_owners") {
        None => Ok(()),
        Some(Value::Array(owners)) if owners.iter().all(|o| o.as_str().is_some_and(is_id)) => {
            Ok(())
        }
        Some(_) => Err("`additional_owners` must be an array of user id strings".to_owned()),
    }
}

/// One `append` segment.
#[derive(Debug)]
pub(super) struct Segment {
    pub(super) index: u32,
    pub(super) data: Vec<u8>,
}

/// Reads an `append` body: `multipart/form-data` with `segment_index` and
/// `media`, or JSON with `segment_index` and base64 `media`.
pub(super) fn segment(request: &Request) -> Result<Segment, String> {
    let fields = form_fields(request)?;
    let index = fields
        .text("segment_index")
        .and_then(|index| index.trim().parse::<u32>().ok())
        .filter(|index| *index <= 999)
        .ok_or("`segment_index` is required and must be an integer from 0 to 999")?;
    let data = fields.bytes("media").ok_or("`media` is required")?;
    if data.is_empty() {
        return Err("`media` is empty; send at least one byte per segment".to_owned());
    }
    Ok(Segment { index, data })
}

/// The maximum alt text length X accepts, in characters.
const MAX_ALT_TEXT_CHARS: usize = 1_000;

/// A valid `POST /2/media/metadata` body.
#[derive(Debug)]
pub(super) struct Metadata {
    pub(super) id: String,
    pub(super) alt_text: Option<String>,
}

/// Parses `{"id": "…", "metadata": {"alt_text": {"text": "…"}}}`.
///
/// NOTE: the fake checks only `alt_text` and accepts the other `metadata`
/// members of X's schema (such as `sensitive_media_warning`) unchecked.
pub(super) fn metadata(body: &[u8]) -> Result<Metadata, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| format!("the body is not valid JSON: {error}"))?;
    let id = value
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| is_id(id))
        .ok_or("`id` is required and must be a media id string of 1 to 19 digits")?
        .to_owned();
    let metadata = value
        .get("metadata")
        .and_then(Value::as_object)
        .ok_or("`metadata` is required and must be a JSON object")?;
    let alt_text = match metadata.get("alt_text") {
        None => None,
        Some(alt_text) => Some(
            alt_text
                .get("text")
                .and_then(Value::as_str)
                .filter(|text| (1..=MAX_ALT_TEXT_CHARS).contains(&text.chars().count()))
                .ok_or("`metadata.alt_text.text` must be a string of 1 to 1000 characters")?
                .to_owned(),
        ),
    };
    Ok(Metadata { id, alt_text })
}

/// A valid one-shot image upload.
#[derive(Debug)]
pub(super) struct SimpleUpload {
    pub(super) media_type: String,
    pub(super) category: String,
    pub(super) data: Vec<u8>,
}

/// Reads a one-shot `POST /2/media/upload`: `media` and `media_category`
/// (`tweet_image` or `dm_image`). The type comes from a `media_type` field,
/// else from the `Content-Type` of the `media` part, else from the image's
/// first bytes.
pub(super) fn simple_upload(request: &Request) -> Result<SimpleUpload, String> {
    let fields = form_fields(request)?;
    let data = fields.bytes("media").ok_or("`media` is required")?;
    let category = fields
        .text("media_category")
        .filter(|category| ["tweet_image", "dm_image"].contains(&category.as_str()))
        .ok_or("`media_category` is required and must be tweet_image or dm_image; use the chunked upload for GIFs and videos")?;
    let declared = fields.text("media_type").or_else(|| {
        fields
            .content_type("media")
            .filter(|t| t.as_str() != "application/octet-stream")
    });
    let media_type = match declared {
        Some(media_type) => media_type,
        None => sniff_image(&data)
            .ok_or("`media_type` is missing and `media` is not a JPEG, PNG, GIF or WebP image")?
            .to_owned(),
    };
    if !media_type.starts_with("image/") || !MEDIA_TYPES.contains(&media_type.as_str()) {
        return Err(format!(
            "`media_type` {media_type} is not an image type X accepts"
        ));
    }
    check_category(&media_type, Some(&category), data.len() as u64)?;
    Ok(SimpleUpload {
        media_type,
        category,
        data,
    })
}

fn sniff_image(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if data.starts_with(b"RIFF") && data.get(8..12) == Some(b"WEBP".as_slice()) {
        Some("image/webp")
    } else {
        None
    }
}

/// The fields of a multipart or JSON upload body.
enum Fields {
    Multipart(Vec<multipart::Part>),
    Json(Map<String, Value>),
}

impl Fields {
    fn text(&self, name: &str) -> Option<String> {
        match self {
            Fields::Multipart(parts) => {
                let part = parts.iter().find(|part| part.name == name)?;
                String::from_utf8(part.data.clone()).ok()
            }
            Fields::Json(map) => match map.get(name)? {
                Value::String(text) => Some(text.clone()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            },
        }
    }

    /// Returns the type of a multipart part, without parameters.
    fn content_type(&self, name: &str) -> Option<String> {
        let Fields::Multipart(parts) = self else {
            return None;
        };
        let declared = parts
            .iter()
            .find(|part| part.name == name)?
            .content_type
            .as_deref()?;
        let essence = declared.split(';').next().unwrap_or_default().trim();
        Some(essence.to_ascii_lowercase())
    }

    fn bytes(&self, name: &str) -> Option<Vec<u8>> {
        match self {
            Fields::Multipart(parts) => parts
                .iter()
                .find(|part| part.name == name)
                .map(|part| part.data.clone()),
            Fields::Json(map) => STANDARD.decode(map.get(name)?.as_str()?).ok(),
        }
    }
}

fn form_fields(request: &Request) -> Result<Fields, String> {
    let content_type = request
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        return multipart::parse(content_type, &request.body).map(Fields::Multipart);
    }
    if content_type.starts_with("application/json") {
        return match serde_json::from_slice(&request.body) {
            Ok(Value::Object(map)) => Ok(Fields::Json(map)),
            _ => Err("the body is not a JSON object".to_owned()),
        };
    }
    Err(format!(
        "the body must be multipart/form-data or application/json, not `{content_type}`"
    ))
}
