#!/usr/bin/env bash
# Kinerja Bot - encrypted database backup with retention. See docs/deploy.md, "Backup and restore".
#
# Writes ONE encrypted file per run into BACKUP_DIR and deletes backups older than
# BACKUP_RETENTION_DAYS. The database holds personal data (UU 27/2022), so the script refuses to
# write an unencrypted backup: the dump is streamed straight into `age` and encrypted to the
# public key(s) in BACKUP_AGE_RECIPIENTS. The matching private key is NOT kept on this server.
#
# Three modes, chosen automatically:
#   - BACKUP_COMPOSE_FILE set     -> Docker Compose: pg_dump runs inside the `db` container
#                                    (run as root or a member of the docker group).
#   - DATABASE_URL=postgresql://  -> host install: pg_dump on this host (package
#                                    postgresql-client, same major version as the server or newer).
#   - DATABASE_URL=sqlite:////... -> SQLite online backup with the sqlite3 CLI (safe while the bot
#                                    runs, WAL included). Run as the bot's user.
#
# Settings (environment variables; the systemd service reads the bot's env file first):
#   BACKUP_DIR              default /var/backups/kinerja-bot
#   BACKUP_RETENTION_DAYS   default 30 - must match the retention stated in the privacy notice
#   BACKUP_AGE_RECIPIENTS   default /etc/kinerja-bot/backup-recipients.txt (age public keys,
#                           one per line, "age1...")
#   BACKUP_COMPOSE_FILE     e.g. /opt/kinerja-bot/deploy/docker-compose.yml (Compose mode only)
#
# Needs: bash, age, gzip, coreutils, findutils; plus pg_dump (host PostgreSQL), sqlite3 (SQLite)
# or docker compose (Compose mode).
#
# Install:  sudo install -m 0755 deploy/kinerja-bot-backup.sh /usr/local/sbin/kinerja-bot-backup
# Run now:  sudo systemctl start kinerja-bot-backup.service    (host install)
#           sudo BACKUP_COMPOSE_FILE=/opt/kinerja-bot/deploy/docker-compose.yml \
#                /usr/local/sbin/kinerja-bot-backup               (Docker Compose)

set -Eeuo pipefail
umask 077

BACKUP_DIR=${BACKUP_DIR:-/var/backups/kinerja-bot}
BACKUP_RETENTION_DAYS=${BACKUP_RETENTION_DAYS:-30}
BACKUP_AGE_RECIPIENTS=${BACKUP_AGE_RECIPIENTS:-/etc/kinerja-bot/backup-recipients.txt}
BACKUP_COMPOSE_FILE=${BACKUP_COMPOSE_FILE:-}

die() {
    echo "kinerja-bot-backup: ERROR: $*" >&2
    exit 1
}

command -v age > /dev/null || die "age is not installed (apt-get install age)"
[[ -s "$BACKUP_AGE_RECIPIENTS" ]] ||
    die "no recipients file $BACKUP_AGE_RECIPIENTS: refusing to write an unencrypted backup"
[[ "$BACKUP_RETENTION_DAYS" =~ ^[0-9]+$ ]] || die "BACKUP_RETENTION_DAYS must be a number of days"
[[ -d "$BACKUP_DIR" ]] || die "backup directory $BACKUP_DIR does not exist"

stamp=$(date +%Y%m%d-%H%M%S)
work=$(mktemp -d)
# The encrypted stream is written here first and renamed only after EVERY command of the
# pipeline succeeded (pipefail): a dump that failed halfway never looks like a good backup.
partial="$BACKUP_DIR/.partial-kinerja-$stamp"
cleanup() {
    # Never leave plaintext copies or half-written backups behind.
    rm -rf -- "$work"
    rm -f -- "$partial"
}
trap cleanup EXIT

encrypt() {
    # stdin -> $partial, encrypted to the recipients' public keys.
    age --encrypt --recipients-file "$BACKUP_AGE_RECIPIENTS" --output "$partial"
}

finish() {
    [[ -s "$partial" ]] || die "encrypted backup is empty"
    mv -- "$partial" "$1"
}

if [[ -n "$BACKUP_COMPOSE_FILE" ]]; then
    # Docker Compose: the credentials are the db container's own POSTGRES_* variables.
    target="$BACKUP_DIR/kinerja-$stamp.pgdump.age"
    docker compose -f "$BACKUP_COMPOSE_FILE" exec -T db \
        sh -c 'pg_dump --format=custom --no-owner --no-privileges -U "$POSTGRES_USER" -d "$POSTGRES_DB"' |
        encrypt
    finish "$target"
else
    : "${DATABASE_URL:?DATABASE_URL is not set (run via kinerja-bot-backup.service, or export it)}"
    case "$DATABASE_URL" in
        postgres://* | postgresql://* | postgresql+*://*)
            # pg_dump understands the same postgresql:// URL (libpq); drop a "+driver" suffix.
            url=$(printf '%s' "$DATABASE_URL" | sed -E 's#^postgres(ql)?(\+[a-z0-9_]+)?://#postgresql://#')
            target="$BACKUP_DIR/kinerja-$stamp.pgdump.age"
            pg_dump --format=custom --no-owner --no-privileges --dbname="$url" | encrypt
            finish "$target"
            ;;
        sqlite*:///*)
            path=${DATABASE_URL#*:///}
            path=${path%%\?*}
            [[ "$path" == /* ]] || die "use an absolute SQLite path (sqlite:////var/lib/...), got '$path'"
            [[ -f "$path" ]] || die "SQLite database $path not found"
            command -v sqlite3 > /dev/null || die "sqlite3 is not installed (apt-get install sqlite3)"
            # .backup uses SQLite's online backup API: a consistent copy including the WAL,
            # taken while the bot keeps running. The plaintext copy lives in a private temp dir
            # and is deleted on exit.
            sqlite3 "$path" ".timeout 10000" ".backup '$work/kinerja_bot.db'"
            check=$(sqlite3 "$work/kinerja_bot.db" "PRAGMA integrity_check;")
            [[ "$check" == "ok" ]] || die "integrity check of the copy failed: $check"
            target="$BACKUP_DIR/kinerja-$stamp.sqlite.gz.age"
            gzip -c "$work/kinerja_bot.db" | encrypt
            finish "$target"
            ;;
        *)
            die "unsupported DATABASE_URL scheme (expected postgresql:// or sqlite:///)"
            ;;
    esac
fi

echo "kinerja-bot-backup: wrote $target ($(du -h "$target" | cut -f1))"

# Retention: delete backups older than BACKUP_RETENTION_DAYS days (only our own files).
find "$BACKUP_DIR" -maxdepth 1 -type f -name 'kinerja-*.age' -mtime +"$BACKUP_RETENTION_DAYS" \
    -print -delete | sed 's/^/kinerja-bot-backup: expired, deleted /'
