//! Snapshot loader: arbitrary bytes never panic; an accepted snapshot survives a round trip
//! through its own JSON unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(snapshot) = posture::snapshot::from_slice(data, "fuzz.json") {
        let json = serde_json::to_vec(&snapshot).expect("a loaded snapshot serialises");
        let again = posture::snapshot::from_slice(&json, "again.json")
            .expect("a serialised snapshot loads again");
        assert_eq!(snapshot, again, "round trip changed the snapshot");
    }
});
