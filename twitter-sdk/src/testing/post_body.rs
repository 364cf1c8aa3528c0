//! Validation of the `POST /2/tweets` JSON body, field by field, the way X's
//! schema (`additionalProperties: false` at every level) checks it.

use serde_json::{Map, Value};

/// The maximum post length.
///
/// NOTE: X weighs characters, so most CJK characters and emoji count twice
/// and every URL counts 23. The fake counts Unicode scalar values, so it
/// accepts some texts X rejects.
const MAX_TEXT_CHARS: usize = 280;

const POST_KEYS: [&str; 16] = [
    "card_uri",
    "community_id",
    "direct_message_deep_link",
    "edit_options",
    "for_super_followers_only",
    "geo",
    "made_with_ai",
    "media",
    "nullcast",
    "paid_partnership",
    "poll",
    "quote_tweet_id",
    "reply",
    "reply_settings",
    "share_with_followers",
    "text",
];
const MEDIA_KEYS: [&str; 7] = [
    "call_to_actions",
    "description",
    "embeddable",
    "media_ids",
    "preview_media_id",
    "tagged_user_ids",
    "title",
];
const REPLY_KEYS: [&str; 3] = [
    "auto_populate_reply_metadata",
    "exclude_reply_user_ids",
    "in_reply_to_tweet_id",
];
const POLL_KEYS: [&str; 3] = ["duration_minutes", "options", "reply_settings"];
const REPLY_SETTINGS: [&str; 4] = ["following", "mentionedUsers", "subscribers", "verified"];

/// A valid create request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NewPost {
    pub(super) text: String,
    pub(super) media_ids: Vec<String>,
    pub(super) in_reply_to: Option<String>,
    pub(super) quote_tweet_id: Option<String>,
    pub(super) poll: Option<(Vec<String>, u32)>,
    pub(super) reply_settings: Option<String>,
}

/// Parses and validates the body. The error is a message naming the field.
pub(super) fn parse(body: &[u8]) -> Result<NewPost, String> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| format!("the body is not valid JSON: {error}"))?;
    let post = object(&value, "the body", &POST_KEYS)?;

    let text = parse_text(post)?;
    let media_ids = post
        .get("media")
        .map(media_ids)
        .transpose()?
        .unwrap_or_default();
    if text.trim().is_empty() && media_ids.is_empty() {
        return Err("`text` is empty and no media is attached".to_owned());
    }

    Ok(NewPost {
        text,
        media_ids,
        in_reply_to: post.get("reply").map(reply_target).transpose()?,
        quote_tweet_id: optional_id(post, "quote_tweet_id")?,
        poll: post.get("poll").map(parse_poll).transpose()?,
        reply_settings: post
            .get("reply_settings")
            .map(|setting| reply_setting(setting, "reply_settings"))
            .transpose()?,
    })
}

/// Reads `text`: a required string of at most [`MAX_TEXT_CHARS`] characters.
fn parse_text(post: &Map<String, Value>) -> Result<String, String> {
    let text = match post.get("text") {
        Some(Value::String(text)) => text.clone(),
        Some(_) => return Err("`text` must be a string".to_owned()),
        None => return Err("`text` is required (send \"\" for a media-only post)".to_owned()),
    };
    let length = text.chars().count();
    if length > MAX_TEXT_CHARS {
        return Err(format!(
            "`text` has {length} characters; the maximum is {MAX_TEXT_CHARS}"
        ));
    }
    Ok(text)
}

fn object<'a>(
    value: &'a Value,
    name: &str,
    allowed: &[&str],
) -> Result<&'a Map<String, Value>, String> {
    let Value::Object(map) = value else {
        return Err(format!("{name} must be a JSON object"));
    };
    match map.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err(format!("{name} has the unknown field `{key}`")),
        None => Ok(map),
    }
}

fn media_ids(media: &Value) -> Result<Vec<String>, String> {
    let media = object(media, "`media`", &MEDIA_KEYS)?;
    let Some(Value::Array(ids)) = media.get("media_ids") else {
        return Err("`media.media_ids` is required and must be an array".to_owned());
    };
    if !(1..=4).contains(&ids.len()) {
        return Err(format!(
            "`media.media_ids` has {} ids; it takes 1 to 4",
            ids.len()
        ));
    }
    if let Some(Value::Array(tagged)) = media.get("tagged_user_ids")
        && tagged.len() > 10
    {
        return Err("`media.tagged_user_ids` takes at most 10 ids".to_owned());
    }
    ids.iter()
        .map(|id| id_string(id, "`media.media_ids`"))
        .collect()
}

fn reply_target(reply: &Value) -> Result<String, String> {
    let reply = object(reply, "`reply`", &REPLY_KEYS)?;
    match reply.get("in_reply_to_tweet_id") {
        Some(id) => id_string(id, "`reply.in_reply_to_tweet_id`"),
        None => Err("`reply.in_reply_to_tweet_id` is required".to_owned()),
    }
}

fn optional_id(post: &Map<String, Value>, name: &str) -> Result<Option<String>, String> {
    post.get(name)
        .map(|id| id_string(id, &format!("`{name}`")))
        .transpose()
}

fn parse_poll(poll: &Value) -> Result<(Vec<String>, u32), String> {
    let poll = object(poll, "`poll`", &POLL_KEYS)?;
    let Some(Value::Array(options)) = poll.get("options") else {
        return Err("`poll.options` is required and must be an array".to_owned());
    };
    if !(2..=4).contains(&options.len()) {
        return Err(format!(
            "`poll.options` has {} options; it takes 2 to 4",
            options.len()
        ));
    }
    let options = options
        .iter()
        .map(|option| match option.as_str() {
            Some(text) if (1..=25).contains(&text.chars().count()) => Ok(text.to_owned()),
            _ => Err("each of `poll.options` must be a string of 1 to 25 characters".to_owned()),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let duration = poll
        .get("duration_minutes")
        .and_then(Value::as_u64)
        .filter(|minutes| (5..=10_080).contains(minutes))
        .and_then(|minutes| u32::try_from(minutes).ok())
        .ok_or("`poll.duration_minutes` is required and must be an integer from 5 to 10080")?;
    if let Some(setting) = poll.get("reply_settings") {
        reply_setting(setting, "poll.reply_settings")?;
    }
    Ok((options, duration))
}

fn reply_setting(value: &Value, name: &str) -> Result<String, String> {
    match value.as_str() {
        Some(setting) if REPLY_SETTINGS.contains(&setting) => Ok(setting.to_owned()),
        _ => Err(format!(
            "`{name}` must be one of {}",
            REPLY_SETTINGS.join(", ")
        )),
    }
}

/// Reads an id: a string of 1 to 19 digits. A JSON number is rejected, as
/// X's schema rejects it.
fn id_string(value: &Value, name: &str) -> Result<String, String> {
    match value.as_str() {
        Some(id) if is_id(id) => Ok(id.to_owned()),
        _ => Err(format!("{name} must contain strings of 1 to 19 digits")),
    }
}

/// Returns whether `id` matches `^[0-9]{1,19}$`.
pub(super) fn is_id(id: &str) -> bool {
    (1..=19).contains(&id.len()) && id.bytes().all(|byte| byte.is_ascii_digit())
}
