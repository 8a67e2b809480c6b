#include "cli/completions.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <functional>
#include <sstream>

namespace contraband {
namespace {

// Only words of these characters are written into a script unquoted; the
// definitions hold nothing else, and anything else is left out rather than
// quoted wrong.
bool IsSafeWord(std::string_view w) {
  if (w.empty()) return false;
  return std::all_of(w.begin(), w.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
           c == '+';
  });
}

// The first clause of a description, printable ASCII, at most ~60 columns.
std::string ShortHelp(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == ';' || c == '(' || c == ':') break;
    if (c == '\n' || c == '\t') c = ' ';
    if (static_cast<unsigned char>(c) < 0x20 ||
        static_cast<unsigned char>(c) > 0x7E) {
      continue;
    }
    out += c;
  }
  while (!out.empty() && (out.back() == ' ' || out.back() == ',')) {
    out.pop_back();
  }
  if (out.size() > 60) {
    const size_t cut = out.rfind(' ', 57);
    out = out.substr(0, cut == std::string::npos ? 57 : cut) + "...";
  }
  return out;
}

// CLI11 writes an option's type and its validators' descriptions into one
// type name: "TEXT:{high,medium,low,none}" for IsMember, "FILE" where
// app.cc named the type.
void ReadTypeName(const std::string& type_name, CompletionOption& opt) {
  const std::string base = type_name.substr(0, type_name.find(':'));
  if (base == "FILE" || base == "PATH") opt.value_kind = "file";
  if (base == "DIR") opt.value_kind = "dir";
  const size_t open = type_name.find(":{");
  const size_t close = type_name.find('}', open);
  if (open == std::string::npos || close == std::string::npos) return;
  std::stringstream set(type_name.substr(open + 2, close - open - 2));
  for (std::string choice; std::getline(set, choice, ',');) {
    if (IsSafeWord(choice)) opt.choices.push_back(choice);
  }
}

void AddOptions(const CLI::App& app, CompletionCommand& cmd) {
  for (const CLI::Option* o : app.get_options()) {
    if (o->get_group().empty()) continue;  // hidden
    if (!o->nonpositional()) {
      if (cmd.positional_kind.empty()) {
        CompletionOption probe;
        ReadTypeName(o->get_type_name(), probe);
        cmd.positional_kind =
            probe.value_kind.empty() ? "other" : probe.value_kind;
      }
      continue;
    }
    CompletionOption opt;
    for (const std::string& l : o->get_lnames()) opt.names.push_back("--" + l);
    for (const std::string& s : o->get_snames()) opt.names.push_back("-" + s);
    std::erase_if(opt.names, [](const std::string& n) { return !IsSafeWord(n); });
    // A parent's option of the same name is shadowed by the command's own.
    std::erase_if(opt.names, [&cmd](const std::string& n) {
      return std::any_of(cmd.options.begin(), cmd.options.end(),
                         [&n](const CompletionOption& have) {
                           return std::find(have.names.begin(),
                                            have.names.end(),
                                            n) != have.names.end();
                         });
    });
    if (opt.names.empty()) continue;
    opt.takes_value = o->get_items_expected_max() > 0;
    if (opt.takes_value) ReadTypeName(o->get_type_name(), opt);
    opt.help = ShortHelp(o->get_description());
    cmd.options.push_back(std::move(opt));
  }
}

void Walk(const CLI::App& app, const std::vector<const CLI::App*>& parents,
          const std::string& path, std::vector<CompletionCommand>& out) {
  CompletionCommand cmd;
  cmd.path = path;
  AddOptions(app, cmd);
  for (auto it = parents.rbegin(); it != parents.rend(); ++it) {
    const std::string positional = cmd.positional_kind;
    AddOptions(**it, cmd);
    cmd.positional_kind = positional;  // a parent's positionals are not ours
  }
  const std::function<bool(const CLI::App*)> all = [](const CLI::App*) {
    return true;
  };
  std::vector<const CLI::App*> children = app.get_subcommands(all);
  std::erase_if(children, [](const CLI::App* c) {
    return c->get_group().empty() || !IsSafeWord(c->get_name());
  });
  for (const CLI::App* child : children) {
    cmd.subcommands.emplace_back(child->get_name(),
                                 ShortHelp(child->get_description()));
  }
  out.push_back(std::move(cmd));
  std::vector<const CLI::App*> lineage = parents;
  lineage.push_back(&app);
  for (const CLI::App* child : children) {
    Walk(*child, lineage,
         path.empty() ? child->get_name() : path + " " + child->get_name(),
         out);
  }
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

// Every option name that takes a value, in any command: the word after it
// is a value, never a command name.
std::vector<std::string> ValueOptionNames(
    const std::vector<CompletionCommand>& model) {
  std::vector<std::string> names;
  for (const CompletionCommand& c : model) {
    for (const CompletionOption& o : c.options) {
      if (!o.takes_value) continue;
      for (const std::string& n : o.names) {
        if (std::find(names.begin(), names.end(), n) == names.end()) {
          names.push_back(n);
        }
      }
    }
  }
  return names;
}

// The command-path transitions "PARENT|WORD" -> "CHILD", shared by the
// three scripts' walk over the words typed so far.
std::vector<std::pair<std::string, std::string>> Transitions(
    const std::vector<CompletionCommand>& model) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const CompletionCommand& c : model) {
    for (const auto& [name, help] : c.subcommands) {
      out.emplace_back(c.path + "|" + name,
                       c.path.empty() ? name : c.path + " " + name);
    }
  }
  return out;
}

// Single-quoted for bash, zsh and fish alike: none of the quoted strings
// holds a quote (IsSafeWord, ShortHelp), but be exact anyway.
std::string ShQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string FishQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string BashScript(const std::vector<CompletionCommand>& model) {
  std::ostringstream s;
  s << "# bash completion for contraband, generated by `contraband completions "
       "bash`\n# from the binary's own option definitions.\n"
       "_contraband() {\n"
       "  local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= skip= i w\n"
       "  (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n"
       "  # --opt=value: bash splits at '='.\n"
       "  if [[ $prev == = ]] && (( COMP_CWORD > 1 )); then\n"
       "    prev=${COMP_WORDS[COMP_CWORD-2]}\n"
       "  elif [[ $cur == = ]]; then\n"
       "    prev=${COMP_WORDS[COMP_CWORD-1]}; cur=\n"
       "  fi\n"
       "  for (( i = 1; i < COMP_CWORD; i++ )); do\n"
       "    w=${COMP_WORDS[i]}\n"
       "    if [[ -n $skip ]]; then skip=; continue; fi\n"
       "    case \"$cmd|$w\" in\n";
  for (const auto& [from, to] : Transitions(model)) {
    s << "      " << ShQuote(from) << ") cmd=" << ShQuote(to) << " ;;\n";
  }
  s << "      *)\n        case $w in\n";
  const std::vector<std::string> value_names = ValueOptionNames(model);
  if (!value_names.empty()) {
    std::string alternatives;
    for (const std::string& n : value_names) {
      alternatives += (alternatives.empty() ? "" : "|") + n;
    }
    s << "          " << alternatives << ") skip=1 ;;\n";
  }
  s << "        esac ;;\n    esac\n  done\n  case \"$cmd|$prev\" in\n";
  for (const CompletionCommand& c : model) {
    for (const CompletionOption& o : c.options) {
      if (!o.takes_value) continue;
      for (const std::string& n : o.names) {
        s << "    " << ShQuote(c.path + "|" + n) << ") ";
        if (!o.choices.empty()) {
          s << "COMPREPLY=( $(compgen -W " << ShQuote(Join(o.choices))
            << " -- \"$cur\") )";
        } else if (o.value_kind == "file") {
          s << "COMPREPLY=( $(compgen -f -- \"$cur\") )";
        } else if (o.value_kind == "dir") {
          s << "COMPREPLY=( $(compgen -d -- \"$cur\") )";
        } else {
          s << "COMPREPLY=()";
        }
        s << "; return ;;\n";
      }
    }
  }
  s << "  esac\n  local opts= subs= files=\n  case $cmd in\n";
  for (const CompletionCommand& c : model) {
    std::vector<std::string> opts, subs;
    for (const CompletionOption& o : c.options) {
      opts.insert(opts.end(), o.names.begin(), o.names.end());
    }
    for (const auto& [name, help] : c.subcommands) subs.push_back(name);
    s << "    " << ShQuote(c.path) << ") opts=" << ShQuote(Join(opts))
      << "; subs=" << ShQuote(Join(subs)) << "; files=" << c.positional_kind
      << " ;;\n";
  }
  s << "  esac\n"
       "  if [[ $cur == -* ]]; then\n"
       "    COMPREPLY=( $(compgen -W \"$opts\" -- \"$cur\") )\n"
       "    return\n"
       "  fi\n"
       "  COMPREPLY=( $(compgen -W \"$subs\" -- \"$cur\") )\n"
       "  case $files in\n"
       "    file) COMPREPLY+=( $(compgen -f -- \"$cur\") ) ;;\n"
       "    dir) COMPREPLY+=( $(compgen -d -- \"$cur\") ) ;;\n"
       "  esac\n"
       "}\n"
       "complete -o filenames -F _contraband contraband\n";
  return s.str();
}

std::string ZshScript(const std::vector<CompletionCommand>& model) {
  std::ostringstream s;
  s << "#compdef contraband\n# zsh completion for contraband, generated by "
       "`contraband completions zsh`\n# from the binary's own option "
       "definitions.\n"
       "_contraband() {\n"
       "  local cmd= skip= w i prev=${words[CURRENT-1]}\n"
       "  for (( i = 2; i < CURRENT; i++ )); do\n"
       "    w=${words[i]}\n"
       "    if [[ -n $skip ]]; then skip=; continue; fi\n"
       "    case \"$cmd|$w\" in\n";
  for (const auto& [from, to] : Transitions(model)) {
    s << "      (" << ShQuote(from) << ") cmd=" << ShQuote(to) << " ;;\n";
  }
  s << "      (*)\n        case $w in\n";
  std::string alternatives;
  for (const std::string& n : ValueOptionNames(model)) {
    alternatives += (alternatives.empty() ? "" : "|") + n;
  }
  if (!alternatives.empty()) s << "          (" << alternatives << ") skip=1 ;;\n";
  s << "        esac ;;\n    esac\n  done\n  case \"$cmd|$prev\" in\n";
  for (const CompletionCommand& c : model) {
    for (const CompletionOption& o : c.options) {
      if (!o.takes_value) continue;
      for (const std::string& n : o.names) {
        s << "    (" << ShQuote(c.path + "|" + n) << ") ";
        if (!o.choices.empty()) {
          s << "compadd -- " << Join(o.choices);
        } else if (o.value_kind == "file") {
          s << "_files";
        } else if (o.value_kind == "dir") {
          s << "_files -/";
        } else {
          s << ":";
        }
        s << "; return ;;\n";
      }
    }
  }
  s << "  esac\n  local -a opts subs\n  local files=\n  case $cmd in\n";
  for (const CompletionCommand& c : model) {
    s << "    (" << ShQuote(c.path) << ")\n      opts=(";
    for (const CompletionOption& o : c.options) {
      for (const std::string& n : o.names) {
        s << " " << ShQuote(n + ":" + o.help);
      }
    }
    s << " )\n      subs=(";
    for (const auto& [name, help] : c.subcommands) {
      s << " " << ShQuote(name + ":" + help);
    }
    s << " )\n      files=" << c.positional_kind << " ;;\n";
  }
  s << "  esac\n"
       "  if [[ $PREFIX == -* ]]; then\n"
       "    _describe -t options option opts\n"
       "    return\n"
       "  fi\n"
       "  (( ${#subs} )) && _describe -t commands command subs\n"
       "  case $files in\n"
       "    (file) _files ;;\n"
       "    (dir) _files -/ ;;\n"
       "  esac\n"
       "}\n"
       "_contraband \"$@\"\n";
  return s.str();
}

std::string FishScript(const std::vector<CompletionCommand>& model) {
  std::ostringstream s;
  s << "# fish completion for contraband, generated by `contraband completions "
       "fish`\n# from the binary's own option definitions.\n"
       "function __contraband_command\n"
       "    set -l cmd ''\n"
       "    set -l skip 0\n"
       "    for w in (commandline -opc)[2..-1]\n"
       "        if test $skip -eq 1\n"
       "            set skip 0\n"
       "            continue\n"
       "        end\n"
       "        switch \"$cmd|$w\"\n";
  for (const auto& [from, to] : Transitions(model)) {
    s << "            case " << FishQuote(from) << "\n                set cmd "
      << FishQuote(to) << "\n";
  }
  s << "            case '*'\n                switch $w\n";
  const std::vector<std::string> value_names = ValueOptionNames(model);
  if (!value_names.empty()) {
    s << "                    case";
    for (const std::string& n : value_names) s << " " << FishQuote(n);
    s << "\n                        set skip 1\n";
  }
  s << "                end\n        end\n    end\n    echo $cmd\nend\n"
       "function __contraband_in\n"
       "    test (__contraband_command) = \"$argv[1]\"\n"
       "end\n"
       "complete -c contraband -f\n";
  for (const CompletionCommand& c : model) {
    const std::string when = "-n " + FishQuote("__contraband_in " + FishQuote(c.path));
    for (const auto& [name, help] : c.subcommands) {
      s << "complete -c contraband " << when << " -a " << FishQuote(name)
        << " -d " << FishQuote(help) << "\n";
    }
    for (const CompletionOption& o : c.options) {
      s << "complete -c contraband " << when;
      for (const std::string& n : o.names) {
        s << (n.rfind("--", 0) == 0 ? " -l " + FishQuote(n.substr(2))
              : n.size() == 2       ? " -s " + FishQuote(n.substr(1))
                                    : " -o " + FishQuote(n.substr(1)));
      }
      if (o.takes_value) {
        if (!o.choices.empty()) {
          s << " -x -a " << FishQuote(Join(o.choices));
        } else if (o.value_kind == "file") {
          s << " -r -F";
        } else if (o.value_kind == "dir") {
          s << " -x -a '(__fish_complete_directories)'";
        } else {
          s << " -x";
        }
      }
      s << " -d " << FishQuote(o.help) << "\n";
    }
    if (c.positional_kind == "file") {
      s << "complete -c contraband " << when << " -F\n";
    } else if (c.positional_kind == "dir") {
      s << "complete -c contraband " << when
        << " -a '(__fish_complete_directories)'\n";
    }
  }
  return s.str();
}

}  // namespace

std::vector<CompletionCommand> CompletionModel(const CLI::App& app) {
  std::vector<CompletionCommand> model;
  Walk(app, {}, "", model);
  return model;
}

std::string CompletionScript(const CLI::App& app, std::string_view shell) {
  const std::vector<CompletionCommand> model = CompletionModel(app);
  if (shell == "bash") return BashScript(model);
  if (shell == "zsh") return ZshScript(model);
  if (shell == "fish") return FishScript(model);
  return "";
}

}  // namespace contraband
