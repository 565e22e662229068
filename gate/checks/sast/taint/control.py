"""Control flow: branches, loops, ``try``, ``match``, and the guards that sanitise.

Branches run on copies of the environment and meet again (a branch that
returns or raises does not flow on); a branch whose condition folds to a
constant is the only one taken; loops run their body twice; ``try``
handlers start from what the body may have done. A guard (``if '..' in
name: return``) sanitises what it tested, for the kinds its shape protects.
"""

from __future__ import annotations

import ast
from dataclasses import replace

import gate.checks.sast.taint.folding as folding
from gate.checks.sast.taint.expressions import ExprEval
from gate.checks.sast.taint.sanitisers import guard_kinds, positive
from gate.checks.sast.taint.values import NO_CONST, Val, element_of, join, unresolved

__all__ = ["ControlFlow", "names_in"]


def names_in(node: ast.expr) -> set[str]:
    """The names an expression reads."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


class ControlFlow(ExprEval):
    """Statement sequencing and compound statements (mixed into the frame)."""

    derived: dict[str, ast.expr]
    """What each name was last assigned from (its names are read only when a guard needs them)."""

    def block(self, stmts: list[ast.stmt]) -> bool:
        """Run statements; True when the block always leaves (return/raise)."""
        for stmt in stmts:
            handler = getattr(self, f"st_{type(stmt).__name__}", None)
            if handler is not None and handler(stmt):
                return True
        return False

    def _fork(self, stmts: list[ast.stmt], env: dict[str, Val]) -> tuple[bool, dict[str, Val]]:
        self.env = dict(env)
        left = self.block(stmts)
        return left, self.env

    @staticmethod
    def _meet(*envs: dict[str, Val]) -> dict[str, Val]:
        if len(envs) == 1:
            return dict(envs[0])
        out: dict[str, Val] = {}
        for key in set().union(*envs):
            values = [e[key] for e in envs if key in e]
            merged = values[0]
            for v in values[1:]:
                merged = join(merged, v)
            if len(values) < len(envs) and merged.known:
                merged = replace(merged, const=NO_CONST)
            out[key] = merged
        return out

    def st_If(self, node: ast.If) -> bool:
        test = self.ev(node.test)
        truth = folding.truth(test.const)
        if truth is True:
            return self.block(node.body)
        if truth is False:
            return self.block(node.orelse)
        before = self.env
        kinds = guard_kinds(node.test) if self._tested_taint(node.test) else frozenset()
        good = positive(node.test)
        self.env = dict(before)
        if kinds and good:
            self._sanitise(node.test, kinds)
        left_body = self.block(node.body)
        body_env = self.env
        self.env = dict(before)
        if kinds and not good:
            self._sanitise(node.test, kinds)
        left_else = self.block(node.orelse)
        else_env = self.env
        if left_body and left_else:
            self.env = before
            return True
        if left_body or left_else:
            self.env = else_env if left_body else body_env
        else:
            self.env = self._meet(body_env, else_env)
        return False

    def _tested_taint(self, test: ast.expr) -> bool:
        """Whether a test looks at a value carrying user input (only then can it be a guard)."""
        for node in ast.walk(test):
            if isinstance(node, ast.Name):
                value = self.env.get(node.id) or self.closure.get(node.id)
                if value is not None and (value.flows or value.items):
                    return True
        return False

    def _sanitise(self, test: ast.expr, kinds: frozenset[str]) -> None:
        names = names_in(test)
        for name in list(names):
            source = self.derived.get(name)
            if source is not None:
                names |= names_in(source)
        for name in names:
            value = self.lookup(name)
            if value.every_flow():
                self.env[name] = value.cleared(kinds, by="a validating check")

    def _loop(self, body: list[ast.stmt], orelse: list[ast.stmt], bind: ast.expr | None,
              element: Val, line: int) -> bool:
        before = self.env
        ends = [before]
        self.env = dict(before)
        for _ in range(2):
            if bind is not None:
                self.bind_target(bind, element, line)
            self.block(body)
            ends.append(self.env)
            self.env = dict(self.env)
        self.env = self._meet(*ends)
        return self.block(orelse)

    def st_For(self, node: ast.For) -> bool:
        element = element_of(self.ev(node.iter))
        return self._loop(node.body, node.orelse, node.target, element, node.lineno)

    st_AsyncFor = st_For

    def st_While(self, node: ast.While) -> bool:
        if folding.truth(self.ev(node.test).const) is False:
            return self.block(node.orelse)
        return self._loop(node.body, node.orelse, None, Val(), node.lineno)

    def st_With(self, node: ast.With) -> bool:
        for item in node.items:
            value = self.ev(item.context_expr)
            if item.optional_vars is not None:
                self.bind_target(item.optional_vars, value, node.lineno)
        return self.block(node.body)

    st_AsyncWith = st_With

    def st_Try(self, node: ast.Try) -> bool:
        before = self.env
        left_body, body_env = self._fork(node.body, before)
        ends: list[dict[str, Val]] = []
        if not left_body:
            left_else, else_env = self._fork(node.orelse, body_env)
            if not left_else:
                ends.append(else_env)
        all_left = left_body
        start = self._meet(before, body_env)
        for handler in node.handlers:
            self.env = dict(start)
            if handler.name:
                self.env[handler.name] = unresolved(f"exception '{handler.name}'")
            left = self.block(handler.body)
            all_left = all_left and left
            if not left:
                ends.append(self.env)
        self.env = self._meet(*ends) if ends else dict(start)
        finally_left = self.block(node.finalbody)
        return finally_left or (all_left and not ends)

    st_TryStar = st_Try

    def st_Match(self, node: ast.Match) -> bool:
        subject = self.ev(node.subject)
        before = self.env
        ends: list[dict[str, Val]] = []
        exhaustive = False
        for case in node.cases:
            matched = _case_matches(case, subject)
            if matched is False:
                continue
            left, env = self._fork(case.body, before)
            if not left:
                ends.append(env)
            if matched is True:
                exhaustive = True
                break
        if not exhaustive:
            ends.append(before)
        if not ends:
            self.env = before
            return True
        self.env = self._meet(*ends)
        return False


def _case_matches(case: ast.match_case, subject: Val) -> bool | None:
    """True/False when a case surely matches or not a constant subject; None when unknown."""
    if case.guard is not None:
        return None
    pattern = case.pattern
    if isinstance(pattern, ast.MatchAs) and pattern.pattern is None:
        return True
    if not subject.known:
        return None
    options = pattern.patterns if isinstance(pattern, ast.MatchOr) else [pattern]
    for option in options:
        if not isinstance(option, ast.MatchValue) or not isinstance(option.value, ast.Constant):
            return None
        if option.value.value == subject.const:
            return True
    return False
