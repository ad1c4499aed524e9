"""A real OpenLDAP slapd on loopback for a test module: a throw-away database loaded from
LDIF, the schemas an IT directory has, and optional overlays (ppolicy).

    with slapd(folder, BASE, ldif, admin=("cn=admin,…", "secret"), ppolicy=True) as url: ...
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from tests.services import require_service


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slapd_path() -> str:
    found = os.environ.get("HELPDESK_TEST_SLAPD") or shutil.which("slapd") or (
        "/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else "")
    return found or require_service("HELPDESK_TEST_SLAPD", "OpenLDAP (slapd)")


@contextmanager
def slapd(folder: Path, base: str, ldif: str, ready: Callable[[str], bool], admin: tuple[str, str] | None = None,
          ppolicy: str = "") -> Iterator[str]:
    """ldap://127.0.0.1:PORT serving `ldif` under `base`; `ready(url)` says when it answers.
    `ppolicy` names the default password policy's DN (lockout on)."""
    binary = slapd_path()
    (folder / "db").mkdir(parents=True, exist_ok=True)
    config = folder / "slapd.conf"
    lines = ["include /etc/ldap/schema/core.schema", "include /etc/ldap/schema/cosine.schema",
             "include /etc/ldap/schema/inetorgperson.schema", "modulepath /usr/lib/ldap", "moduleload back_mdb"]
    lines += ["moduleload ppolicy"] if ppolicy else []
    lines += [f"pidfile {folder}/slapd.pid", "database mdb", f'suffix "{base}"']
    lines += [f'rootdn "{admin[0]}"', f"rootpw {admin[1]}"] if admin else [f'rootdn "cn=admin,{base}"']
    lines += [f"directory {folder}/db"]
    lines += ["overlay ppolicy", f'ppolicy_default "{ppolicy}"', "ppolicy_use_lockout", "ppolicy_hash_cleartext"] \
        if ppolicy else []
    config.write_text("\n".join(lines) + "\n")
    (folder / "data.ldif").write_text(ldif)
    subprocess.run([str(Path(binary).with_name("slapadd")), "-f", str(config), "-l", str(folder / "data.ldif")],
                   check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([binary, "-f", str(config), "-h", f"ldap://127.0.0.1:{port}/", "-d", "0"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"ldap://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not ready(url):
        time.sleep(0.2)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def organisation(base: str, *units: str) -> str:
    """LDIF: the company's root entry and its organizational units (people, groups, …)."""
    entries = [f"dn: {base}\nobjectClass: dcObject\nobjectClass: organization\no: Contoso\ndc: contoso\n"]
    entries += [f"dn: ou={unit},{base}\nobjectClass: organizationalUnit\nou: {unit}\n" for unit in units]
    return "\n".join(entries) + "\n"


def group(base: str, name: str, *member_uids: str) -> str:
    """LDIF: a groupOfNames under ou=groups with these people (by uid) as members."""
    members = "".join(f"member: uid={uid},ou=people,{base}\n" for uid in member_uids)
    return f"dn: cn={name},ou=groups,{base}\nobjectClass: groupOfNames\ncn: {name}\n{members}\n"
