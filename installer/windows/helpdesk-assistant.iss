; Inno Setup 6 script for Helpdesk Assistant on Windows. NOT TESTED HERE (no Windows in CI):
; see installer/README.md for how to build, sign and check it.
;
; Build (on Windows, after build.ps1 made dist\helpdesk-assistant\):
;   iscc /DAppVersion=0.1.0 installer\windows\helpdesk-assistant.iss
;
; Silent deployment (SCCM, Intune, GPO startup script):
;   helpdesk-assistant-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /POLICY="\\server\share\policy.toml"
; The policy is taken, in order, from /POLICY=, from a policy already at
; %ProgramData%\HelpdeskAssistant\policy.toml (kept on upgrades: IT may manage that file by GPO),
; or from the commented template. The machine-wide variable HELPDESK_POLICY points every
; user's app at it. Uninstall: "unins000.exe /VERYSILENT" (the policy stays unless /PURGE).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Helpdesk Assistant"
; The tray app (windowed) and the command line (console: doctor, ask, login, sync).
#define AppExe "helpdesk-assistant.exe"
#define CliExe "helpdesk-assistant-cli.exe"
#define PolicyDir "{commonappdata}\HelpdeskAssistant"

[Setup]
AppId={{6E0B7F52-5A43-4C55-9C1B-9C3F6D1E2A41}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Helpdesk Assistant maintainers
DefaultDirName={autopf}\Helpdesk Assistant
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=yes
DisableReadyPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\build\installer
OutputBaseFilename=helpdesk-assistant-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
ChangesEnvironment=yes
CloseApplications=yes
RestartApplications=no
UninstallDisplayIcon={app}\{#AppExe}
; Signing: define SignTool "signtool" in the Inno Setup IDE or with /S (see README), then:
; SignTool=signtool
; SignedUninstaller=yes

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"

[Files]
Source: "..\..\build\installer\dist\helpdesk-assistant\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\policy.toml.template"; DestDir: "{#PolicyDir}"; DestName: "policy.toml"; Flags: onlyifdoesntexist uninsneveruninstall; Check: not HasPolicyParam
Source: "..\policy.toml.template"; DestDir: "{app}"; Flags: ignoreversion

[Dirs]
Name: "{#PolicyDir}"; Permissions: users-readexec

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
; Start in the tray at every user's logon (all users' Startup folder).
Name: "{commonstartup}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "--minimised"

[Registry]
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; ValueType: string; \
  ValueName: "HELPDESK_POLICY"; ValueData: "{#PolicyDir}\policy.toml"; Flags: uninsdeletevalue

[Run]
; Check the installation once, silently, and keep the report where IT can collect it.
Filename: "{cmd}"; Parameters: "/C """"{app}\{#CliExe}"" doctor --json > ""{#PolicyDir}\doctor-install.json"" 2>&1"""; \
  Flags: runhidden waituntilterminated; StatusMsg: "Checking the installation..."

[UninstallDelete]
Type: files; Name: "{#PolicyDir}\doctor-install.json"

[Code]
function PolicyParam: String;
begin
  Result := ExpandConstant('{param:POLICY|}');
end;

function HasPolicyParam: Boolean;
begin
  Result := PolicyParam <> '';
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Target: String;
begin
  if (CurStep = ssPostInstall) and HasPolicyParam then
  begin
    Target := ExpandConstant('{#PolicyDir}\policy.toml');
    ForceDirectories(ExpandConstant('{#PolicyDir}'));
    if not FileCopy(PolicyParam, Target, False) then
      Log('Could not copy the policy from ' + PolicyParam);
  end;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { /PURGE on the uninstaller's command line also removes the policy (like dpkg --purge). }
  if (CurUninstallStep = usPostUninstall) and (Pos('/PURGE', Uppercase(GetCmdTail)) > 0) then
    DelTree(ExpandConstant('{#PolicyDir}'), True, True, True);
end;
