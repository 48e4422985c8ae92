#!/usr/bin/env python3
"""Fails when a Swift source file under Sources/ is over 300 lines or a function (func,
init, deinit, subscript, or a closure-free body thereof) is over 80 lines: small files
that do one thing and functions that fit on a screen are a habit of this project.

    scripts/check-sizes.py            prints each offender, exits 1 if any
"""
import pathlib
import re
import sys

MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 80
DECLARATION = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|internal|private|fileprivate|package|open|"
                         r"static|class|final|override|mutating|nonmutating|convenience|required|nonisolated|"
                         r"@inlinable|@usableFromInline)\s+)*(func|init|deinit|subscript)\b")
STRING = re.compile(r'"(?:\\.|[^"\\])*"')


def code_of(line):
    """The line without string literals and a trailing // comment."""
    return STRING.sub('""', line).split("//", 1)[0]


def function_lengths(lines):
    """(first line number, length) of every function body."""
    index = 0
    while index < len(lines):
        if DECLARATION.match(lines[index]) and not lines[index].lstrip().startswith("//"):
            depth, opened = 0, False
            for end in range(index, len(lines)):
                for char in code_of(lines[end]):
                    if char == "{":
                        depth, opened = depth + 1, True
                    elif char == "}":
                        depth -= 1
                if opened and depth <= 0:
                    yield index + 1, end - index + 1
                    break
                if not opened and end - index > 12:  # a requirement without a body
                    break
        index += 1


def main(root):
    offenders = []
    files = sorted(pathlib.Path(root, "Sources").rglob("*.swift"))
    for path in files:
        lines = path.read_text(encoding="utf-8").split("\n")
        count = len(lines) - (1 if lines and lines[-1] == "" else 0)
        if count > MAX_FILE_LINES:
            offenders.append(f"{path}: {count} lines (at most {MAX_FILE_LINES}; split it by concern)")
        for start, length in function_lengths(lines):
            if length > MAX_FUNCTION_LINES:
                offenders.append(f"{path}:{start}: a function of {length} lines (at most {MAX_FUNCTION_LINES})")
    for offender in offenders:
        print(offender)
    if offenders:
        print(f"check-sizes: {len(offenders)} offender(s)", file=sys.stderr)
        return 1
    print(f"check-sizes: {len(files)} files within {MAX_FILE_LINES} lines, functions within {MAX_FUNCTION_LINES}")
    return 0


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(__file__).resolve().parent.parent))
