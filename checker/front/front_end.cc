#include "checker/front/front_end.h"

#include "checker/front/parser.h"
#include "checker/front/resolver.h"

namespace lockcheck::front {

std::string spec_stem(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot != std::string_view::npos && dot > 0) base = base.substr(0, dot);
  return std::string(base);
}

std::unique_ptr<ast::Spec> read_spec(std::string_view source, std::string_view path,
                                     Diagnostics& diags) {
  Diagnostics local;
  std::unique_ptr<ast::Spec> spec = parse(source, local);
  if (spec->name.empty()) spec->name = spec_stem(path);
  // Resolution runs even after syntax errors, so that one pass reports both kinds; the parser
  // leaves only whole nodes in the tree.
  resolve(*spec, local);
  diags.append(local);
  if (local.has_errors()) return nullptr;
  return spec;
}

}  // namespace lockcheck::front
