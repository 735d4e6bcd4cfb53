//! The TOML files users write: configuration (limits, checks, action plan) and waivers.
//! Arbitrary text never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = posture::config::Config::parse(text);
    let _ = posture::report::waiver::WaiverFile::parse(text);
});
