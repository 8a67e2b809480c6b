#include "cli/app.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/completions.h"
#include "cli/options.h"
#include "evidence/source.h"

namespace contraband {
namespace {

void AddScanOptions(CLI::App* cmd, ScanOptions& scan, bool matching) {
  cmd->add_option("evidence", scan.evidence,
                  "Evidence to read (default: /, the live host): a mounted or "
                  "extracted folder; an archive (tar with gz/xz/zst/bz2/lz4, "
                  "zip, 7z, iso, cpio); a disk image (raw or split raw, E01, "
                  "VMDK, VHD/VHDX, QCOW2) with its partitions, LVM, LUKS, "
                  "BitLocker, and ext, XFS, NTFS, FAT, exFAT, HFS+, APFS or "
                  "ISO 9660 filesystems; an iPhone backup folder, extraction, "
                  ".ipa, or a live iPhone as ios: or ios:UDID (repeatable)");
  if (matching) {
    // One value per occurrence, so "--policy X EVIDENCE" keeps EVIDENCE.
    cmd->add_option("--policy", scan.policies,
                    "Only products named by this policy (repeatable)")
        ->allow_extra_args(false);
    cmd->add_flag("--inventory", scan.inventory,
                  "Also report every software record found");
    cmd->add_flag("--residue", scan.residue,
                  "Also report leftovers of removed software (state residue, "
                  "such as dpkg config-files) as findings; they never change "
                  "the exit code");
    cmd->add_option("--fail-on", scan.fail_on,
                    "Which installed findings make the exit status 1: those "
                    "of at least this confidence (high, medium, low: any; "
                    "none: never)")
        ->check(CLI::IsMember({"high", "medium", "low", "none"}));
    cmd->add_option("--min-confidence", scan.min_confidence,
                    "Report only findings of at least this confidence (high, "
                    "medium, low)")
        ->check(CLI::IsMember({"high", "medium", "low"}));
    CLI::Option* baseline = cmd->add_option("--baseline", scan.baseline,
                    "An earlier JSON report of this scan: mark each finding "
                    "new or unchanged and list the findings it had that are "
                    "gone (resolved)");
    cmd->add_flag("--fail-on-new", scan.fail_on_new,
                  "With --baseline: only installed findings new since the "
                  "baseline make the exit status 1")
        ->needs(baseline);
  }
  cmd->add_option("--as", scan.as_kind,
                  "Treat the evidence as this kind instead of detecting it")
      ->check(CLI::IsMember(SupportedEvidenceKinds()));
  cmd->add_flag("--hash", scan.hash,
                "Record the SHA-256 of each evidence container and of every "
                "file a record was read from, computed from the bytes read");
  cmd->add_flag("--recurse-archives", scan.recurse_archives,
                "Also scan, as evidence of their own, the archives and app "
                "packages found inside folder evidence (one level deep)");
  cmd->add_flag("--shadow-copies", scan.shadow_copies,
                "Also scan every Volume Shadow Copy of NTFS volumes; software "
                "found only in a snapshot is reported as removed");
  cmd->add_option("--allow-backing", scan.allow_backing,
                  "Also read QCOW2 backing files and VMDK extent and parent "
                  "files from this folder, outside the image's own "
                  "(repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--password", scan.passwords,
                  "Passphrase for BitLocker or LUKS volumes, encrypted "
                  "archive entries (e.g. a Velociraptor collection) and "
                  "encrypted iPhone backups (also CONTRABAND_BACKUP_PASSWORD) "
                  "(repeatable; tried on each)")
      ->allow_extra_args(false);
  cmd->add_option("--recovery-key", scan.recovery_keys,
                  "BitLocker recovery password, 48 digits in groups of six "
                  "(repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--key-file", scan.key_files,
                  "BitLocker startup key (.BEK) or LUKS key file (repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--nice", scan.nice,
                "Run at the lowest CPU and I/O priority (nice 19, I/O class "
                "idle), as a good citizen on an endpoint");
  cmd->add_option("--max-runtime", scan.max_runtime,
                  "Stop after SECONDS with a partial report that says so "
                  "(exit status 3)")
      ->check(CLI::Range(1u, 7u * 24 * 3600));
  cmd->add_flag("--progress", scan.progress,
                "Show progress on standard error even when it is not a "
                "terminal");
  cmd->add_flag("--no-progress", scan.no_progress, "Never show progress");
  // Value types for --help and for the completion scripts, which offer file
  // names for FILE, PATH and DIR (cli/completions.h).
  cmd->get_option("evidence")->type_name("PATH");
  cmd->get_option("--allow-backing")->type_name("DIR");
  cmd->get_option("--key-file")->type_name("FILE");
  if (matching) cmd->get_option("--baseline")->type_name("FILE");
}

}  // namespace

int RunCli(int argc, char** argv) {
  CLI::App app{
      "contraband: find banned software in a live system, a folder or "
      "other evidence, and report it as text or JSON with an exit code "
      "scripts can trust.",
      "contraband"};
  app.require_subcommand(0, 1);
  app.fallthrough();
  GlobalOptions global;
  bool show_version = false;
  app.add_flag("--version", show_version,
               "Print the tool version and the catalog version and SHA-256");
  app.add_option("--format", global.format,
                 "Report format: text, json, jsonl, csv, sarif, ecs "
                 "(Elastic Common Schema lines), cyclonedx (CycloneDX "
                 "1.5 SBOM of the inventory) or html (one self-contained "
                 "page for people)")
      ->check(CLI::IsMember({"text", "json", "jsonl", "csv", "sarif", "ecs",
                              "cyclonedx", "html"}));
  app.add_option("-o,--output", global.output,
                 "Write the report to FILE instead of standard output")
      ->type_name("FILE");
  app.add_option("--catalog", global.catalogs,
                 "Catalog file or folder to use instead of the embedded one "
                 "(repeatable)")
      ->type_name("PATH")
      ->allow_extra_args(false);
  app.add_option("--catalog-key", global.catalog_key,
                 "Ed25519 public key (PEM): refuse a --catalog whose "
                 "catalog.sig is missing or does not verify with it");
  app.add_flag("-q,--quiet", global.quiet,
               "Print nothing but fatal errors; the exit code is the verdict "
               "(a report is still written with -o)");
  app.add_flag("-v,--verbose", global.verbose,
               "Say on standard error what is being read and how long it took");

  ScanOptions scan;
  CLI::App* scan_cmd = app.add_subcommand(
      "scan", "Find banned software in the evidence (default: the live host)");
  AddScanOptions(scan_cmd, scan, /*matching=*/true);

  ScanOptions inventory;
  inventory.match = false;
  inventory.inventory = true;
  CLI::App* inv_cmd = app.add_subcommand(
      "inventory", "List every software record in the evidence, no matching");
  AddScanOptions(inv_cmd, inventory, /*matching=*/false);

  // Hidden (group ""): packagers and `cmake --install` run it; users get
  // the installed scripts.
  std::string completion_shell;
  CLI::App* completions_cmd = app.add_subcommand(
      "completions", "Print the shell completion script for bash, zsh or fish");
  completions_cmd->group("");
  completions_cmd->add_option("shell", completion_shell, "bash, zsh or fish")
      ->check(CLI::IsMember({"bash", "zsh", "fish"}))
      ->required();

  CLI::App* cat_cmd = app.add_subcommand("catalog", "Inspect or check a catalog");
  cat_cmd->require_subcommand(1);
  CLI::App* cat_list =
      cat_cmd->add_subcommand("list", "List the catalog's products and policies");
  std::string show_id;
  CLI::App* cat_show =
      cat_cmd->add_subcommand("show", "Show one product or policy in full");
  cat_show->add_option("id", show_id, "Product or policy id")->required();
  std::string validate_path;
  CLI::App* cat_validate = cat_cmd->add_subcommand(
      "validate", "Check a catalog file or folder; list every problem found");
  cat_validate->add_option("path", validate_path, "Catalog file or folder")
      ->type_name("PATH")
      ->required();

  bool collector_requests = false;
  CLI::App* collectors_cmd = app.add_subcommand(
      "collectors", "List the collectors and, with --requests, the files "
                    "each asks for (--format json for tools)");
  collectors_cmd->add_flag("--requests", collector_requests,
                           "Also list the file patterns each collector reads");
  CLI::App* cat_coverage = cat_cmd->add_subcommand(
      "coverage",
      "Product x platform matrix: the strongest rule kind and rule count per "
      "cell, n/a where the vendor ships nothing, GAP where no rule exists");
  std::string sign_dir, sign_key;
  CLI::App* cat_sign = cat_cmd->add_subcommand(
      "sign", "Write DIR/catalog.sig, a detached Ed25519 signature of the catalog");
  cat_sign->add_option("dir", sign_dir, "Catalog folder")->required();
  cat_sign->add_option("--key", sign_key, "Ed25519 private key (PEM)")->required();
  std::string verify_path, verify_key;
  CLI::App* cat_verify = cat_cmd->add_subcommand(
      "verify", "Check a catalog folder's catalog.sig with an Ed25519 public key");
  cat_verify->add_option("path", verify_path, "Catalog folder")->required();
  cat_verify->add_option("--key", verify_key, "Ed25519 public key (PEM)")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    std::cerr << "contraband: see 'contraband --help' or man contraband\n";
    return kExitUsage;
  }

  if (*completions_cmd) {
    return EmitOutput(global, CompletionScript(app, completion_shell))
               ? kExitClean
               : kExitUsage;
  }
  if (show_version) return RunVersion(global);
  if (*scan_cmd) return RunScan(global, scan);
  if (*inv_cmd) return RunScan(global, inventory);
  if (*cat_list) return RunCatalogList(global);
  if (*cat_show) return RunCatalogShow(global, show_id);
  if (*cat_validate) return RunCatalogValidate(global, validate_path);
  if (*collectors_cmd) return RunCollectors(global, collector_requests);
  if (*cat_coverage) return RunCatalogCoverage(global);
  if (*cat_sign) return RunCatalogSign(global, sign_dir, sign_key);
  if (*cat_verify) return RunCatalogVerify(global, verify_path, verify_key);
  // No command: scanning the live host is what the tool is for, but doing
  // it implicitly would surprise a script; say what to type.
  std::cerr << "contraband: no command given; try 'contraband scan' (the live "
               "host) or 'contraband --help'\n";
  return kExitUsage;
}

}  // namespace contraband
