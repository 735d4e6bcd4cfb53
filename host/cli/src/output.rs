//! Showing results: colour choice, rendering a report as asked (findings or compliance
//! roll-up), writing to a file or standard output (a closed pipe is not an error), and the
//! progress bar on a terminal.

use crate::args::{ColorChoice, OutputArgs};
use anyhow::{Context, Result};
use posture::config::Config;
use posture::report::compliance::{Rollup, RollupRenderError};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Whether to colour: `always`/`never` win; `auto` colours a terminal unless `NO_COLOR` is set
/// to a non-empty value (<https://no-color.org>).
pub(crate) fn use_color(
    choice: ColorChoice,
    terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

impl OutputArgs {
    pub(crate) fn color(&self) -> bool {
        use_color(
            self.color,
            self.output.is_none() && std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        )
    }

    /// Renders `report` as asked (findings or compliance roll-up).
    pub(crate) fn render(
        &self,
        report: &posture::report::Report,
        config: &Config,
    ) -> Result<String> {
        if let Some(framework) = self.framework {
            let catalog = posture::report::compliance::catalog(framework)?;
            let safe;
            let report = if self.format == posture::report::Format::Json {
                report
            } else {
                // Text, Markdown and CSV are read by people: untrusted text escaped.
                safe = posture::report::sanitize::for_humans(report);
                &*safe
            };
            let rollup = posture::report::compliance::rollup(report, &catalog);
            return rollup.render(self.format).map_err(|e| match e {
                RollupRenderError::Unsupported(name) => {
                    let names: Vec<&str> = Rollup::FORMATS.iter().map(|f| f.name()).collect();
                    let (last, rest) = names.split_last().unwrap_or((&"", &[]));
                    anyhow::anyhow!(
                        "--framework renders as {} or {last}, not {name}",
                        rest.join(", ")
                    )
                }
                other => other.into(),
            });
        }
        let opts = posture::report::RenderOptions {
            actions: config.actions.clone(),
            text: posture::report::text::TextOptions {
                color: self.color(),
                quiet: self.quiet,
                explain: self.explain.iter().cloned().collect(),
            },
        };
        Ok(posture::report::render_with(report, self.format, &opts))
    }
}

impl OutputArgs {
    /// Writes `report` as asked to the output file or standard output, followed by `then`
    /// (e.g. the baseline comparison). JSON, SARIF and OCSF findings are written as they are
    /// rendered (see [`posture::report::write_with`]), never held whole in memory.
    pub(crate) fn write(
        &self,
        report: &posture::report::Report,
        config: &Config,
        then: Option<&str>,
    ) -> Result<()> {
        use posture::report::Format;
        let streams = matches!(self.format, Format::Json | Format::Sarif | Format::Ocsf);
        if self.framework.is_some() || !streams {
            let mut text = self.render(report, config)?;
            if let Some(more) = then {
                text.push_str(more);
            }
            return write_output(self.output.as_deref(), &text);
        }
        let opts = posture::report::RenderOptions::default();
        with_output(self.output.as_deref(), |w| {
            posture::report::write_with(report, self.format, &opts, w)?;
            w.write_all(then.unwrap_or_default().as_bytes())
        })
    }
}

/// Writes `text` to `path`, or to standard output (a closed pipe, e.g. `| head`, is not an
/// error).
pub(crate) fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    with_output(path, |w| w.write_all(text.as_bytes()))
}

/// Runs `write` on a buffered writer to `path`, or to standard output (a closed pipe, e.g.
/// `| head`, is not an error), and flushes it.
fn with_output(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    match path {
        Some(p) => {
            let file = std::fs::File::create(p)
                .with_context(|| format!("cannot write {}", p.display()))?;
            let mut w = std::io::BufWriter::new(file);
            write(&mut w)
                .and_then(|_| w.flush())
                .with_context(|| format!("cannot write {}", p.display()))
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            match write(&mut w).and_then(|_| w.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => Ok(other?),
            }
        }
    }
}

/// A progress bar over `total` plugins, on a terminal only.
pub(crate) fn progress_bar(total: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || total == 0 {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("scanning {bar:30} {pos}/{len} plugins {msg}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsStr;

    #[test]
    fn colour_follows_the_terminal_no_color_and_the_flag() {
        assert!(use_color(ColorChoice::Auto, true, None));
        assert!(!use_color(ColorChoice::Auto, false, None));
        assert!(!use_color(ColorChoice::Auto, true, Some(OsStr::new("1"))));
        assert!(use_color(ColorChoice::Auto, true, Some(OsStr::new(""))));
        assert!(use_color(ColorChoice::Always, false, Some(OsStr::new("1"))));
        assert!(!use_color(ColorChoice::Never, true, None));
    }
}
