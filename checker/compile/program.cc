#include "checker/compile/program.h"

namespace lockcheck::compile {

bool reads_shared(const ast::Expr* e) {
  if (e == nullptr) return false;
  if (e->kind == ast::ExprKind::name && e->ref.kind == ast::RefKind::shared) return true;
  for (const auto& a : e->args)
    if (reads_shared(a.get())) return true;
  return false;
}

namespace {

class Lowerer {
 public:
  Program program;

  void block(const std::vector<ast::StmtPtr>& stmts) {
    for (const auto& s : stmts) stmt(*s);
  }

 private:
  struct Loop {
    int head;
    std::vector<int> breaks;
  };
  std::vector<Loop> loops_;

  int emit(InstrKind kind, const ast::Stmt* s, bool interaction) {
    program.code.push_back({kind, s, -1, interaction});
    return static_cast<int>(program.code.size()) - 1;
  }
  int here() const { return static_cast<int>(program.code.size()); }

  void stmt(const ast::Stmt& s) {
    using K = ast::StmtKind;
    switch (s.kind) {
      case K::var_decl:  // locals are initialised when the process starts; a stray one assigns
      case K::assign: {
        bool ghost = s.target_ref.kind == ast::RefKind::ghost;
        bool shared = s.target_ref.kind == ast::RefKind::shared || reads_shared(s.expr.get());
        emit(InstrKind::assign, &s, shared && !ghost);
        break;
      }
      case K::if_: {
        int br = emit(InstrKind::branch, &s, reads_shared(s.expr.get()));
        block(s.body);
        if (s.else_body.empty()) {
          program.code[br].target = here();
        } else {
          int skip = emit(InstrKind::jump, &s, false);
          program.code[br].target = here();
          block(s.else_body);
          program.code[skip].target = here();
        }
        break;
      }
      case K::while_: {
        int head = here();
        int br = emit(InstrKind::branch, &s, reads_shared(s.expr.get()));
        loops_.push_back({head, {}});
        block(s.body);
        int back = emit(InstrKind::jump, &s, false);
        program.code[back].target = head;
        program.code[br].target = here();
        for (int b : loops_.back().breaks) program.code[b].target = here();
        loops_.pop_back();
        break;
      }
      case K::break_:
        if (loops_.empty()) break;  // the resolver reports it
        loops_.back().breaks.push_back(emit(InstrKind::jump, &s, false));
        break;
      case K::continue_:
        if (loops_.empty()) break;
        program.code[emit(InstrKind::jump, &s, false)].target = loops_.back().head;
        break;
      case K::done:
        emit(InstrKind::done, &s, false);
        break;
      case K::assert_:
        emit(InstrKind::assert_, &s, reads_shared(s.expr.get()));
        break;
      case K::await_:
        emit(InstrKind::await_, &s, true);
        break;
      case K::sleep:
        emit(InstrKind::sleep, &s, true);
        break;
      case K::atomic: {
        int begin = emit(InstrKind::atomic_begin, &s, true);
        block(s.body);
        int end = emit(InstrKind::atomic_end, &s, false);
        program.code[begin].target = end;
        break;
      }
      case K::sql:
        emit(InstrKind::sql, &s, s.sql && s.sql->kind != ast::SqlKind::begin);
        break;
      case K::redis:
        emit(InstrKind::redis, &s, true);
        break;
    }
  }
};

}  // namespace

Program lower_process(const ast::Process& process) {
  Lowerer l;
  l.block(process.body);
  return std::move(l.program);
}

}  // namespace lockcheck::compile
