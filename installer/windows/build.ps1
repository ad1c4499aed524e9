# Build the Windows installer. NOT TESTED HERE: see installer/README.md.
#   powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1
# Needs: Python 3.11 x64, Inno Setup 6 (iscc on PATH), and for a release signtool + certificate.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
python -m venv .venv
.\.venv\Scripts\python -m pip install --quiet -e ".[installer]"
.\.venv\Scripts\python -m kb_snapshots build kb_snapshots\sample_kb --output build\sample_kb.sqlite
.\.venv\Scripts\python -m PyInstaller --noconfirm --distpath build\installer\dist --workpath build\installer\work installer\helpdesk-assistant.spec
.\.venv\Scripts\python installer\size_report.py build\installer\dist\helpdesk-assistant
if ($env:SIGN_CERT_THUMBPRINT) {
  # Sign every binary before packaging, then the setup (see the checklist in installer/README.md).
  Get-ChildItem build\installer\dist\helpdesk-assistant -Recurse -Include *.exe,*.dll,*.pyd |
    ForEach-Object { signtool sign /sha1 $env:SIGN_CERT_THUMBPRINT /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 $_.FullName }
}
$version = (Select-String -Path desktop\__init__.py -Pattern '__version__ = "(.*)"').Matches[0].Groups[1].Value
iscc "/DAppVersion=$version" installer\windows\helpdesk-assistant.iss
if ($env:SIGN_CERT_THUMBPRINT) {
  signtool sign /sha1 $env:SIGN_CERT_THUMBPRINT /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 "build\installer\helpdesk-assistant-setup-$version.exe"
}
