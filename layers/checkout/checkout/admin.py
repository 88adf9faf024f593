"""Managing API keys from a terminal (DESIGN 8), against the local stack or a deployed table.

    python -m checkout.admin create-key --table checkout --merchant acct_shop --name ci --permission admin
    python -m checkout.admin revoke-key key_0123456789abcdef01234567 --table checkout

`create-key` prints the new key alone on its last line: the only time it is ever shown. The table
is reached with the environment's AWS credentials; `AWS_ENDPOINT_URL_DYNAMODB` points it at
DynamoDB Local.
"""

from __future__ import annotations

import argparse
import re
import sys

from checkout.adapters.dynamodb.repository import DynamoDBRepository
from checkout.config import Settings
from checkout.domain.access import Permission
from checkout.domain.api_keys import KEY_PREFIXES, KeyService

_MERCHANT_ID = re.compile(r"acct_[A-Za-z0-9_]{1,60}", re.ASCII)


def _merchant_id(value: str) -> str:
    if not _MERCHANT_ID.fullmatch(value):
        raise argparse.ArgumentTypeError("a merchant id is acct_ followed by 1-60 letters, digits or '_'")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m checkout.admin", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create-key", help="mint a key for a merchant (created if new)")
    create.add_argument("--table", required=True)
    create.add_argument("--merchant", type=_merchant_id, default="acct_local")
    create.add_argument("--name", default="default")
    create.add_argument("--permission", choices=[p.value for p in Permission], default=Permission.ADMIN.value)
    create.add_argument(
        "--prefix", choices=KEY_PREFIXES, default="csk_live_", help="csk_test_ for the local stack"
    )
    revoke = commands.add_parser("revoke-key", help="revoke a key by its id (key_...)")
    revoke.add_argument("key_id")
    revoke.add_argument("--table", required=True)
    args = parser.parse_args(argv)

    settings = Settings(table_name=args.table)
    repository = DynamoDBRepository(args.table, settings)
    if args.command == "create-key":
        keys = KeyService(repository, args.prefix)
        new = keys.create(args.merchant, args.name, Permission(args.permission))
        record = new.record
        permissions = ", ".join(record.permissions)
        print(f"created {record.id} ({record.prefix}…) for {record.merchant_id}: {permissions}")
        print(new.secret)
        return 0
    revoked = KeyService(repository, "csk_live_").revoke(args.key_id)
    if revoked is None:
        print(f"no key {args.key_id!r}", file=sys.stderr)
        return 1
    print(f"revoked {revoked.id} ({revoked.prefix}…) of {revoked.merchant_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
