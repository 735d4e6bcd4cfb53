//! The importers' parsers on arbitrary bytes: ScubaGear and ScubaGoggles exports, and the
//! pieces of the AWS importer that read what a file holds (credential report CSV or base64,
//! policy documents, timestamps, backup schedules). Nothing panics; an accepted Scuba export
//! gives a snapshot that passes the snapshot's own validation (import re-validates it).
#![no_main]

use libfuzzer_sys::fuzz_target;
use posture::import::{self, Options, Source};
use posture::import::aws::{backup, credential_report, policy, time};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let options = Options {
        captured_at: Some(1_795_348_800),
        account: Some("fuzz.example".into()),
    };
    match selector % 4 {
        0 => {
            let _ = import::from_slice(Source::Scubagear, rest, "fuzz.json", &options);
        }
        1 => {
            let _ = import::from_slice(Source::Scubagoggles, rest, "fuzz.json", &options);
        }
        2 => {
            let text = String::from_utf8_lossy(rest);
            if let Ok(csv) = credential_report::decode(&text) {
                let _ = credential_report::parse(&csv);
            }
            let _ = time::parse(&text);
            let _ = backup::schedule_hours(&text);
        }
        _ => {
            if let Ok(value) = serde_json::from_slice::<serde_json::Value>(rest) {
                if let Some(doc) = policy::document(&value) {
                    let _ = policy::grants_admin(&doc);
                    let _ = policy::bucket_policy_public(&doc);
                    let _ = policy::denies_insecure_transport(&doc);
                }
            }
        }
    }
});
