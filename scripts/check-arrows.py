#!/usr/bin/env python3
"""Fails when an arrow of the pipeline runs back.

The stages, in order: Base, Config, Fetch, Parse, Store, Stories, Publish, Daemon, then the
`newsdesk` executable. A stage may use only earlier stages; its test target only its own stage
and earlier ones. Read from `swift package dump-package` (the declared dependencies) and from
every `import` in the target's folder (what the code uses; the build's explicit target
dependency import check makes the two agree). A `Newsdesk*` target missing from the order is an
error too, so that a new stage gets its place before it gets code.

    scripts/check-arrows.py          # from the package folder; exit 1 and one line per arrow
"""
import json
import os
import re
import subprocess
import sys

STAGES = ["NewsdeskBase", "NewsdeskConfig", "NewsdeskFetch", "NewsdeskParse", "NewsdeskStore",
          "NewsdeskStories", "NewsdeskPublish", "NewsdeskDaemon", "newsdesk"]


def rank(name):
    """The stage a target belongs to: its own, or for `NewsdeskXTests` the stage X."""
    base = name[:-len("Tests")] if name.endswith("Tests") else name
    return STAGES.index(base) if base in STAGES else None


def dependencies(target):
    names = []
    for dependency in target.get("dependencies", []):
        for kind in ("byName", "target"):
            if kind in dependency:
                names.append(dependency[kind][0])
    return names


def imports(folder):
    found = set()
    for root, _, files in os.walk(folder):
        for file in files:
            if file.endswith(".swift"):
                with open(os.path.join(root, file), encoding="utf-8") as source:
                    found.update(re.findall(r"^(?:@testable )?import (\w+)", source.read(), re.M))
    return found


def main():
    package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True,
                                        capture_output=True, text=True).stdout)
    problems = []
    for target in package["targets"]:
        name = target["name"]
        if name.startswith("Newsdesk") and not name.endswith("Tests") and name not in STAGES:
            problems.append(f"{name}: not a known stage; give it its place in STAGES first")
            continue
        own = rank(name)
        if own is None:
            continue  # C libraries and test helpers
        folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources", name)
        used = [(dep, "depends on") for dep in dependencies(target)]
        used += [(module, "imports") for module in sorted(imports(folder))]
        for module, how in used:
            other = rank(module) if module in STAGES else None
            if other is not None and other > own:
                problems.append(f"{name} {how} {module}, a later stage")
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"one way: {' -> '.join(s.removeprefix('Newsdesk') for s in STAGES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
