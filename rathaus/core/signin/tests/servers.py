"""Real directory and identity servers for the sign-in tests, each in a temporary directory.

- :class:`Slapd`: Debian's OpenLDAP ``slapd`` with a generated ``slapd.conf`` (no system
  configuration is read or changed), seeded offline with ``slapadd`` from an LDIF text.
- :class:`OidcProviderProcess`: panva's ``oidc-provider`` (OpenID certified) under Node.js,
  from ``oidc_provider/provider.mjs`` with a JSON configuration written by the test.

Both listen on a free loopback port and are stopped (by their own process id) afterwards.
Waits are for a condition (the port answers), with a generous ceiling.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
NODE = shutil.which("node") or shutil.which("nodejs")
PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
START_CEILING_SECONDS = 60
SUFFIX = "dc=rathaus,dc=test"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "root-passwort-nur-fuer-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_CEILING_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server ended early:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not answer on port {port}:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def slapd_missing_reason() -> str | None:
    if not os.path.exists(SLAPD) or not (MODULE_DIR / "back_mdb.so").exists():
        return "OpenLDAP slapd is not installed (Debian packages slapd, ldap-utils)"
    return None


def provider_missing_reason() -> str | None:
    if NODE is None:
        return "Node.js is not installed (Debian package nodejs)"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        return f"oidc-provider is not installed: npm ci --prefix {PROVIDER_DIR}"
    return None


class Slapd:
    def __init__(self, workdir: Path, ldif: str):
        self.workdir = workdir
        self.port = free_port()
        self.uri = f"ldap://127.0.0.1:{self.port}"
        self.conf = workdir / "slapd.conf"
        (workdir / "db").mkdir()
        schemas = ("core", "cosine", "inetorgperson", "nis")
        self.conf.write_text(
            "\n".join(
                [*(f"include {SCHEMA_DIR / name}.schema" for name in schemas)]
                + [
                    f"modulepath {MODULE_DIR}",
                    "moduleload back_mdb",
                    f"pidfile {workdir / 'slapd.pid'}",
                    f"argsfile {workdir / 'slapd.args'}",
                    "database mdb",
                    "maxsize 10485760",
                    f'suffix "{SUFFIX}"',
                    f'rootdn "{ROOT_DN}"',
                    f"rootpw {ROOT_PASSWORD}",
                    f"directory {workdir / 'db'}",
                    # people read the directory after binding; passwords only for binding
                    "access to attrs=userPassword by self write by anonymous auth by * none",
                    "access to * by users read by * none",
                ]
            )
            + "\n"
        )
        seed = workdir / "seed.ldif"
        seed.write_text(ldif)
        subprocess.run([SLAPADD, "-f", str(self.conf), "-l", str(seed)], check=True)
        self.log = workdir / "slapd.log"
        with self.log.open("w") as out:
            # -d 0: stay in the foreground (a child we can stop by its id), no debug output
            self.process = subprocess.Popen(
                [SLAPD, "-f", str(self.conf), "-h", f"{self.uri}/", "-d", "0"],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        _wait_for_port(self.port, self.process, self.log)

    def modify(self, ldif: str) -> None:
        """Changes the running directory (ldapmodify as the directory's root)."""
        done = subprocess.run(
            ["ldapmodify", "-x", "-H", self.uri, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
            input=ldif.encode(),
            capture_output=True,
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")

    def stop(self) -> None:
        _stop(self.process)


class OidcProviderProcess:
    def __init__(self, workdir: Path, *, clients: list[dict], accounts: dict[str, dict]):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.config_path = workdir / "oidc.json"
        self.config = {"port": self.port, "clients": clients, "accounts": accounts}
        self._write()
        self.log = workdir / "oidc.log"
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [NODE, str(PROVIDER_DIR / "provider.mjs"), str(self.config_path)],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=PROVIDER_DIR,
            )
        _wait_for_port(self.port, self.process, self.log)

    def _write(self) -> None:
        self.config_path.write_text(json.dumps(self.config))

    def set_claims(self, account: str, **claims) -> None:
        """Changes an account's claims; the provider reads them at the next sign-in."""
        self.config["accounts"][account].update(claims)
        self._write()

    def endpoints(self) -> dict[str, str]:
        """The four endpoints, as the provider's discovery document names them."""
        url = f"{self.issuer}/.well-known/openid-configuration"
        with urllib.request.urlopen(url, timeout=30) as response:  # loopback, our own process
            discovery = json.load(response)
        return {
            "authorization_endpoint": discovery["authorization_endpoint"],
            "token_endpoint": discovery["token_endpoint"],
            "userinfo_endpoint": discovery["userinfo_endpoint"],
            "jwks_endpoint": discovery["jwks_uri"],
        }

    def stop(self) -> None:
        _stop(self.process)
