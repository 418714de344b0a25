//! The command line: parsed by clap into raw arguments, then validated into
//! the requests `commands` executes.

use clap::{ArgAction, Args, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "strata", version, about = "Declarative, layered machine configuration in the Nix language")]
struct Cli {
    #[command(subcommand)]
    command: RawCommand,
}

#[derive(Subcommand)]
enum RawCommand {
    /// Evaluate Nix expressions, printing what `nix-instantiate --eval` prints.
    Eval(EvalArgs),
    /// Parse a Nix file (or `-` for standard input) and check it for errors.
    Parse(ParseArgs),
    /// List the repository's machines: system, tags, modules and options.
    Hosts(HostsArgs),
    /// Show a machine's configuration, or one option's value and where it comes from.
    Show(ShowArgs),
    /// Search the declared options (built-in and the repository's own).
    Options(OptionsArgs),
    /// Lock or update the flake's inputs (flake.lock).
    #[command(subcommand)]
    Flake(FlakeCommand),
    /// Evaluate every machine and check the repository's architecture rules (strata.toml).
    Check(CheckArgs),
    /// Render a machine into a generation directory and print its path.
    Build(BuildArgs),
    /// Print the plan from the active generation to a machine's configuration.
    Diff(DiffArgs),
    /// Build a machine, print the plan and activate it (health checks, automatic rollback).
    Switch(SwitchArgs),
    /// Activate an earlier generation (by default the one before the current one).
    Rollback(RollbackArgs),
    /// List the generations on the target: number, time, host, revision, hash, current.
    Generations(GenerationsArgs),
}

#[derive(Subcommand, Debug, Clone)]
pub enum FlakeCommand {
    /// Lock the inputs that flake.lock lacks (or that changed in flake.nix), keeping the rest.
    Lock(FlakeLockArgs),
    /// Re-resolve every input (or only INPUT, such as `dep` or `dep/nested`) and write flake.lock.
    Update(FlakeUpdateArgs),
}

#[derive(Args, Debug, Clone)]
pub struct FlakeLockArgs {
    /// The repository (default: the current directory).
    #[arg(short = 'C', long = "directory", default_value = ".")]
    pub dir: String,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct FlakeUpdateArgs {
    /// The input to update (default: all).
    pub input: Option<String>,
    /// The repository (default: the current directory).
    #[arg(short = 'C', long = "directory", default_value = ".")]
    pub dir: String,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
struct EvalArgs {
    /// Files to evaluate (expressions with -E); `-` reads standard input.
    #[arg(allow_negative_numbers = true)]
    inputs: Vec<String>,
    /// Treat the arguments as expressions instead of file names.
    #[arg(short = 'E', long = "expr", action = ArgAction::Count)]
    expr: u8,
    /// Evaluate the result completely before printing it.
    #[arg(long)]
    strict: bool,
    /// Print the result as JSON.
    #[arg(long, conflicts_with = "xml")]
    json: bool,
    /// Print the result as XML.
    #[arg(long)]
    xml: bool,
    /// Leave source positions out of the XML output.
    #[arg(long)]
    no_location: bool,
    /// Select an attribute path from the result (repeatable).
    #[arg(short = 'A', long = "attr", allow_hyphen_values = true)]
    attr: Vec<String>,
    /// Pass NAME = EXPR to a top-level function.
    #[arg(long, num_args = 2, value_names = ["NAME", "EXPR"], allow_hyphen_values = true)]
    arg: Vec<String>,
    /// Pass NAME = "VALUE" to a top-level function.
    #[arg(long, num_args = 2, value_names = ["NAME", "VALUE"], allow_hyphen_values = true)]
    argstr: Vec<String>,
    /// Add [NAME=]PATH to the search path for <NAME> lookups.
    #[arg(short = 'I', long = "include")]
    include: Vec<String>,
    /// Print the evaluation trace of errors.
    #[arg(long)]
    show_trace: bool,
    /// Accepted for compatibility with nix-instantiate; evaluation is the default.
    #[arg(long)]
    eval: bool,
}

#[derive(Args, Debug, Clone)]
pub struct HostsArgs {
    /// The repository (default: the current directory).
    #[arg(short = 'C', long = "directory", default_value = ".")]
    pub dir: String,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// The repository (default: the current directory).
    #[arg(short = 'C', long = "directory", default_value = ".")]
    pub dir: String,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
    /// Apply the fixes that are safe, then report what is left.
    #[arg(long)]
    pub fix: bool,
}

#[derive(Args, Debug, Clone)]
pub struct BuildArgs {
    /// The machine.
    pub host: String,
    /// The repository (default: the current directory).
    #[arg(short = 'C', long = "directory", default_value = ".")]
    pub dir: String,
    /// Where generations are written (default: ~/.cache/strata/generations).
    #[arg(long)]
    pub out: Option<String>,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct DiffArgs {
    /// The machine.
    pub host: String,
    /// The repository (default: the current directory).
    #[arg(short = 'C', long = "directory", default_value = ".")]
    pub dir: String,
    /// The target's root directory (default: this machine).
    #[arg(long, default_value = "/")]
    pub root: String,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct SwitchArgs {
    /// The machine.
    pub host: String,
    /// The repository (default: the current directory).
    #[arg(short = 'C', long = "directory", default_value = ".")]
    pub dir: String,
    /// Activate into this directory instead of this machine (service actions are skipped).
    #[arg(long, default_value = "/")]
    pub root: String,
    /// Print the plan and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Run health checks even when activating into a root directory.
    #[arg(long)]
    pub health_checks: bool,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct RollbackArgs {
    /// The target's root directory (default: this machine).
    #[arg(long, default_value = "/")]
    pub root: String,
    /// The generation to activate (default: the one before the current one).
    #[arg(long)]
    pub to: Option<u64>,
    /// Run health checks even when activating into a root directory.
    #[arg(long)]
    pub health_checks: bool,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct GenerationsArgs {
    /// The target's root directory (default: this machine).
    #[arg(long, default_value = "/")]
    pub root: String,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug, Clone)]
pub struct ShowArgs {
    /// The machine.
    pub host: String,
    /// An option path such as `services.openssh.enable` (default: the whole configuration).
    pub option: Option<String>,
    /// The repository (default: the current directory).
    #[arg(short = 'C', long = "directory", default_value = ".")]
    pub dir: String,
    /// Print JSON for programs.
    #[arg(long)]
    pub json: bool,
    /// List every definition behind the value, its priority and whether a mkIf switched it off.
    #[arg(long, requires = "option")]
    pub explain: bool,
}

#[derive(Args, Debug, Clone)]
pub struct OptionsArgs {
    /// Words to search for in option names and descriptions (all must match).
    pub query: Vec<String>,
    /// Only this machine's options, with its value of each.
    #[arg(long)]
    pub host: Option<String>,
    /// The repository (default: the current directory).
    #[arg(short = 'C', long = "directory", default_value = ".")]
    pub dir: String,
    /// Print JSON for programs.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Write Markdown reference documentation of the repository's own options.
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Args)]
struct ParseArgs {
    /// The file to parse, or `-` for standard input.
    file: String,
}

/// Where the text to evaluate comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File(String),
    Stdin,
    Expr(String),
}

/// How the result is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    Nix,
    Json,
    Xml,
}

/// An automatic argument for a top-level function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AutoArg {
    Expr(String),
    Str(String),
}

#[derive(Debug, Clone)]
pub struct EvalRequest {
    pub inputs: Vec<Input>,
    pub strict: bool,
    pub format: OutputFormat,
    pub location: bool,
    pub attr_paths: Vec<String>,
    pub auto_args: Vec<(String, AutoArg)>,
    pub include: Vec<String>,
    pub show_trace: bool,
}

#[derive(Debug, Clone)]
pub struct ParseRequest {
    pub input: Input,
}

pub enum Command {
    Eval(EvalRequest),
    Parse(ParseRequest),
    Hosts(HostsArgs),
    Show(ShowArgs),
    Options(OptionsArgs),
    Flake(FlakeCommand),
    Check(CheckArgs),
    Build(BuildArgs),
    Diff(DiffArgs),
    Switch(SwitchArgs),
    Rollback(RollbackArgs),
    Generations(GenerationsArgs),
}

pub fn parse(args: Vec<std::ffi::OsString>) -> Result<Command, clap::Error> {
    let cli = Cli::try_parse_from(args)?;
    Ok(match cli.command {
        RawCommand::Eval(raw) => Command::Eval(validate_eval(raw)),
        RawCommand::Parse(raw) => Command::Parse(ParseRequest { input: file_input(raw.file) }),
        RawCommand::Hosts(args) => Command::Hosts(args),
        RawCommand::Show(args) => Command::Show(args),
        RawCommand::Options(args) => Command::Options(args),
        RawCommand::Flake(command) => Command::Flake(command),
        RawCommand::Check(args) => Command::Check(args),
        RawCommand::Build(args) => Command::Build(args),
        RawCommand::Diff(args) => Command::Diff(args),
        RawCommand::Switch(args) => Command::Switch(args),
        RawCommand::Rollback(args) => Command::Rollback(args),
        RawCommand::Generations(args) => Command::Generations(args),
    })
}

fn file_input(name: String) -> Input {
    if name == "-" {
        Input::Stdin
    } else {
        Input::File(name)
    }
}

fn validate_eval(raw: EvalArgs) -> EvalRequest {
    let inputs = if raw.expr > 0 {
        raw.inputs.into_iter().map(Input::Expr).collect()
    } else if raw.inputs.is_empty() {
        vec![Input::File("./default.nix".to_string())]
    } else {
        raw.inputs.into_iter().map(file_input).collect()
    };
    let mut auto_args = Vec::new();
    for pair in raw.arg.chunks(2) {
        if let [name, value] = pair {
            auto_args.push((name.clone(), AutoArg::Expr(value.clone())));
        }
    }
    for pair in raw.argstr.chunks(2) {
        if let [name, value] = pair {
            auto_args.push((name.clone(), AutoArg::Str(value.clone())));
        }
    }
    let format = if raw.json {
        OutputFormat::Json
    } else if raw.xml {
        OutputFormat::Xml
    } else {
        OutputFormat::Nix
    };
    let attr_paths = if raw.attr.is_empty() { vec![String::new()] } else { raw.attr };
    EvalRequest {
        inputs,
        strict: raw.strict,
        format,
        location: !raw.no_location,
        attr_paths,
        auto_args,
        include: raw.include,
        show_trace: raw.show_trace,
    }
}
