"""Run a replica site in the foreground: python -m optout.replica linkedin --port 8443 --variant decoy"""

from __future__ import annotations

import argparse
import threading

from optout.replica import SITES
from optout.replica.server import ReplicaServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m optout.replica", description=__doc__)
    parser.add_argument("site", choices=sorted(SITES))
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8443, help="port to listen on, 0 = any free port")
    parser.add_argument("--variant", default="default", help="page variant to start with")
    args = parser.parse_args(argv)
    try:
        site = SITES[args.site](variant=args.variant)
    except ValueError as error:
        parser.error(str(error))
    with ReplicaServer(site, host=args.host, port=args.port) as server:
        main_host, address = next(iter(server.origin_map.items()))
        print(f"{args.site} replica (variant {args.variant}) listening on port {server.port}")
        print(f"  optout:   --origin-map {main_host}={address}")
        print(f'  chromium: --host-resolver-rules="{server.host_resolver_rules}" --ignore-certificate-errors')
        print(f"  admin:    {server.url}/__replica__/state")
        print("Press Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
