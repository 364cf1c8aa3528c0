//! Posts and the current user: `POST /2/tweets`, `GET` and `DELETE
//! /2/tweets/{id}`, `GET /2/users/me`.

use serde_json::json;
use wiremock::Request;

use super::media::MediaKind;
use super::post_body::{self, NewPost};
use super::records::{RecordedPoll, RecordedPost};
use super::reply::Reply;
use super::state::{State, now_epoch};

const DUPLICATE: &str = "You are not allowed to create a Tweet with duplicate content.";

/// `POST /2/tweets`.
pub(super) fn create(state: &mut State, request: &Request) -> Reply {
    if !is_json(request) {
        return Reply::invalid_request("the body must be sent as application/json");
    }
    let post = match post_body::parse(&request.body) {
        Ok(post) => post,
        Err(message) => return Reply::invalid_request(&message),
    };
    if let Err(reply) = check_media(state, &post.media_ids) {
        return reply;
    }
    if let Err(reply) = check_targets(state, &post) {
        return reply;
    }
    if !post.text.is_empty()
        && state
            .posts
            .iter()
            .any(|p| !p.deleted && p.text == post.text)
    {
        // Gzip-encoded whatever the request accepts, so this error also
        // checks that a client decodes by `Content-Encoding`.
        return Reply::problem(403, "Forbidden", None, DUPLICATE).always_gzip();
    }
    let record = record(state.new_post_id(), post);
    let reply = Reply::json(201, json!({"data": post_data(&record)}));
    state.posts.push(record);
    reply
}

fn is_json(request: &Request) -> bool {
    request
        .headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"))
}

/// Media must come from this fake, be finalized and have finished
/// processing; a post takes up to 4 images, or 1 video, or 1 GIF.
fn check_media(state: &State, ids: &[String]) -> Result<(), Reply> {
    let mut kinds = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(upload) = state.media.get(id) else {
            return Err(Reply::invalid_request(&format!(
                "Your media IDs are invalid: {id} was not uploaded by this user"
            )));
        };
        if let Some(problem) = upload.not_ready_reason() {
            return Err(Reply::invalid_request(&format!(
                "Your media IDs are invalid: {id} {problem}"
            )));
        }
        kinds.push(upload.kind());
    }
    if kinds.contains(&MediaKind::Other) {
        return Err(Reply::invalid_request(
            "Your media IDs are invalid: only images, GIFs and videos can be attached",
        ));
    }
    let moving = kinds
        .iter()
        .filter(|kind| matches!(kind, MediaKind::Video | MediaKind::Gif))
        .count();
    if moving > 0 && kinds.len() > 1 {
        return Err(Reply::invalid_request(
            "a post takes 1 video, or 1 GIF, or up to 4 images",
        ));
    }
    Ok(())
}

// NOTE: X restricts programmatic replies and quotes on self-serve tiers and
// does not document the body of its 403. The fake allows both only for
// posts it stores and sends a 403 problem for any other id.
fn check_targets(state: &State, post: &NewPost) -> Result<(), Reply> {
    let targets = [
        ("reply to", &post.in_reply_to),
        ("quote", &post.quote_tweet_id),
    ];
    for (action, target) in targets {
        if let Some(id) = target
            && state.live_post(id).is_none()
        {
            let detail = format!(
                "You are not allowed to {action} post {id}: its author has not mentioned or quoted this account."
            );
            return Err(Reply::problem(403, "Forbidden", None, &detail));
        }
    }
    Ok(())
}

fn record(id: String, post: NewPost) -> RecordedPost {
    RecordedPost {
        id,
        text: post.text,
        media_ids: post.media_ids,
        in_reply_to_tweet_id: post.in_reply_to,
        quote_tweet_id: post.quote_tweet_id,
        poll: post.poll.map(|(options, duration_minutes)| RecordedPoll {
            options,
            duration_minutes,
        }),
        reply_settings: post.reply_settings,
        created_at: now_epoch(),
        deleted: false,
    }
}

fn post_data(post: &RecordedPost) -> serde_json::Value {
    json!({"id": post.id, "text": post.text, "edit_history_tweet_ids": [post.id]})
}

/// `GET /2/tweets/{id}`: a missing post is a 200 carrying only `errors`,
/// the way X reports missing ids in lookups.
///
/// NOTE: of the `tweet.fields` X offers, the fake adds only `author_id` and
/// `created_at`; it ignores the other names instead of validating them.
pub(super) fn get(state: &State, request: &Request, id: &str) -> Reply {
    if !post_body::is_id(id) {
        return Reply::invalid_request(&format!(
            "The `id` path parameter value [{id}] is not 1 to 19 digits"
        ));
    }
    let fields: Vec<String> = request
        .url
        .query_pairs()
        .filter(|(key, _)| key == "tweet.fields")
        .flat_map(|(_, value)| value.split(',').map(str::to_owned).collect::<Vec<_>>())
        .collect();
    match state.live_post(id) {
        Some(post) => {
            let mut data = post_data(post);
            if fields.iter().any(|field| field == "author_id") {
                data["author_id"] = json!(state.user.id);
            }
            if fields.iter().any(|field| field == "created_at") {
                data["created_at"] = json!(timestamp(post.created_at));
            }
            Reply::json(200, json!({"data": data}))
        }
        None => Reply::json(
            200,
            json!({"errors": [{
                "value": id,
                "detail": format!("Could not find tweet with id: [{id}]."),
                "title": "Not Found Error",
                "resource_type": "tweet",
                "parameter": "id",
                "resource_id": id,
                "type": "https://api.x.com/2/problems/resource-not-found",
            }]}),
        ),
    }
}

/// Formats Unix seconds the way X writes `created_at`, such as
/// `2023-11-14T22:13:20.000Z` (proleptic Gregorian calendar, UTC).
fn timestamp(epoch: u64) -> String {
    let (days, seconds) = (epoch / 86_400, epoch % 86_400);
    // Shift the epoch to 0000-03-01 so leap days end each 400-year era.
    let shifted = days + 719_468;
    let era = shifted / 146_097;
    let day_of_era = shifted % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        seconds / 3_600,
        seconds % 3_600 / 60,
        seconds % 60
    )
}

/// `DELETE /2/tweets/{id}`.
pub(super) fn delete(state: &mut State, id: &str) -> Reply {
    if !post_body::is_id(id) {
        return Reply::invalid_request(&format!(
            "The `id` path parameter value [{id}] is not 1 to 19 digits"
        ));
    }
    match state
        .posts
        .iter_mut()
        .find(|post| post.id == id && !post.deleted)
    {
        Some(post) => {
            post.deleted = true;
            Reply::json(200, json!({"data": {"deleted": true}}))
        }
        None => Reply::problem(
            404,
            "Not Found Error",
            Some("resource-not-found"),
            &format!("Could not find tweet with id: [{id}]."),
        ),
    }
}

/// `GET /2/users/me`.
pub(super) fn me(state: &State) -> Reply {
    let user = &state.user;
    Reply::json(
        200,
        json!({"data": {"id": user.id, "name": user.name, "username": user.username}}),
    )
}

#[cfg(test)]
mod tests {
    use super::timestamp;

    #[test]
    fn timestamp_formats_utc_dates() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00.000Z");
        assert_eq!(timestamp(1_700_000_000), "2023-11-14T22:13:20.000Z");
        assert_eq!(timestamp(4_107_542_399), "2100-02-28T23:59:59.000Z");
    }
}
