"""The ``lindung`` command: a thin wrapper over Django's management commands."""

from __future__ import annotations

import os
import sys

# name → (management command, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "migrate": (
        "migrate",
        "Buat/perbarui tabel basis data (apply database migrations)",
    ),
    "serve": (
        "serve",
        "Jalankan aplikasi web (gunicorn + worker tugas) di 127.0.0.1:8000",
    ),
    "demo": (
        "demo",
        "Siapkan data demo NTT dan pengguna demo, lalu jalankan web (--no-serve: tanpa web)",
    ),
    "regions": ("regions", "Wilayah Kemendagri: 'regions load' memuat daftar resmi"),
    "createuser": ("createuser", "Buat pengguna dengan peran dan wilayah"),
    "import": (
        "import_peserta",
        "Impor spreadsheet peserta (perangkat desa / pekerja rentan)",
    ),
    "reconcile": ("reconcile", "Rekonsiliasi daftar peserta BPJS dengan data Lindung"),
    "template": ("import_template", "Unduh templat XLSX impor per jenis peserta"),
    "billing": (
        "billing",
        "Tagihan iuran: 'billing run --period YYYY-MM'; 'billing partitions' (partisi bulanan PostgreSQL)",
    ),
    "payments": ("payments", "Pembayaran iuran: catat atau impor berkas pembayaran"),
    "iuran": ("iuran", "Hitung iuran: 'iuran quote --input FILE.json'"),
    "budget": ("budget", "Proyeksi anggaran iuran per desa/kabupaten dan sumber dana"),
    "claims": ("claims", "Klaim manfaat: 'claims quote --input FILE.json'"),
    "report": (
        "report",
        "Laporan: 'report rakor --region 53 --format xlsx|pdf|csv|json --out FILE'; 'report summary [--rebuild]'",
    ),
    "worker": ("db_worker", "Jalankan worker tugas latar belakang (impor besar)"),
    "backup": ("backup", "Cadangkan seluruh data ke satu berkas"),
    "restore": ("restore", "Pulihkan data dari berkas cadangan"),
    "token": ("apitoken", "Buat token API untuk sistem lain"),
    "manage": ("", "Perintah manajemen Django lainnya (lindung manage <perintah> …)"),
}


def _usage() -> str:
    lines = [
        "Pemakaian: lindung <perintah> [opsi]   (lindung <perintah> --help untuk rincian)",
        "",
        "Perintah:",
    ]
    width = max(len(k) for k in COMMANDS)
    lines += [
        f"  {name.ljust(width)}  {text}" for name, (_cmd, text) in COMMANDS.items()
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(_usage())
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"lindung: perintah tidak dikenal: {name}\n\n{_usage()}", file=sys.stderr)
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lindung.settings")
    # After DJANGO_SETTINGS_MODULE is set; 'lindung --help' answers without loading Django.
    from django.core.management import execute_from_command_line

    from lindung.common import cli_help

    cli_help.install()
    command = COMMANDS[name][0]
    args = rest if name == "manage" else [command, *rest]
    try:
        execute_from_command_line(["lindung", *args])
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
