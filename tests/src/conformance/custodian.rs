//! Cloud Custodian's recorded AWS responses (placebo): filled in by the next step.
