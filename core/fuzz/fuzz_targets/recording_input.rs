//! Recording files are user input (a HAR saved from a browser, a JSON Lines log of a soak test):
//! any text given to the three readers either loads or is refused with a `LoadError`, never a
//! panic, and whatever loads validates. What loads also survives a round trip through both
//! writers: JSON and JSON Lines read back to the same recording, with the same report.
//!
//! Seeded from `testdata/recordings/` (`make fuzz` copies the shared cases in), so the fuzzer
//! starts from real recordings and mutates their fields rather than from noise.

#![no_main]

use libfuzzer_sys::fuzz_target;
use ssert_core::validate::{validate, validate_json, Profile, Recording, ValidateOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else {
        return; // the readers take text; bytes that are not UTF-8 are the caller's to refuse
    };
    let _ = validate_json(text, "");
    for read in [
        Recording::from_json,
        Recording::from_json_lines,
        Recording::from_har,
    ] {
        let Ok(recording) = read(text) else {
            continue;
        };
        let mut mcp = ValidateOptions::default();
        mcp.profile = Some(Profile::Mcp);
        for options in [ValidateOptions::default(), mcp] {
            let report = validate(&recording, &options).expect("default options are valid");
            let _ = report.to_json();
            let json =
                Recording::from_json(&recording.to_json()).expect("a written recording reads back");
            assert_eq!(json, recording, "the JSON round trip changed the recording");
            let lines = Recording::from_json_lines(&recording.to_json_lines())
                .expect("a written JSON Lines recording reads back");
            assert_eq!(
                lines, recording,
                "the JSON Lines round trip changed the recording"
            );
            assert_eq!(
                validate(&lines, &options).expect("the same options"),
                report,
                "the report changed over a round trip"
            );
        }
    }
});
