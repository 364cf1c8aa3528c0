//! `appsecret_proof`: an HMAC-SHA256 of the access token keyed with the app
//! secret, which apps with "Require App Secret" must send on every call.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Computes `appsecret_proof` as lowercase hex.
///
/// With `time` (Unix seconds), the message is `access_token|time`: the
/// time-stamped form that Facebook Login's security guide documents, sent
/// together with `appsecret_time=<time>` and valid for 5 minutes. Without
/// it, the message is the token alone (the older form).
pub fn appsecret_proof(app_secret: &str, access_token: &str, time: Option<u64>) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(access_token.as_bytes());
    if let Some(time) = time {
        mac.update(format!("|{time}").as_bytes());
    }
    let digest = mac.finalize().into_bytes();
    let mut hex = String::with_capacity(digest.len() * 2);
    for byte in digest {
        hex.push(char::from(HEX[usize::from(byte >> 4)]));
        hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    hex
}

const HEX: &[u8; 16] = b"0123456789abcdef";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proof_matches_rfc4231_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let proof = appsecret_proof("Jefe", "what do ya want for nothing?", None);

        assert_eq!(
            proof,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn timed_proof_appends_time() {
        let timed = appsecret_proof("Jefe", "what do ya want for nothing?", Some(1_700_000_000));
        let manual = appsecret_proof("Jefe", "what do ya want for nothing?|1700000000", None);

        assert_eq!(timed, manual);
        assert_eq!(timed.len(), 64);
    }
}
