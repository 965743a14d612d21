; Windows installer of 社保费管理客户端 (Inno Setup 6.3 or newer; this file is UTF-8).
;
; 1. On Windows, build the onedir: `python dev.py build` -> dist\社保费管理客户端\
; 2. Compile: `iscc installer\setup.iss` (or `iscc /DAppVersion=0.2.0 installer\setup.iss`)
;    -> dist\installer\shebaofei-client-<version>-setup.exe
;
; Both modules' code is always installed (it is one PyInstaller bundle); the components
; 用人单位 / 代收单位 decide what installed-modules.json next to the program says, which is
; what the client reads (client/installed.py). The Python writer of the same file is
; installer/modules_state.py; tests/installer checks that both write the same JSON.
; The optional component 模拟税务系统 adds mock_backend.exe, for QA machines only.

#if Ver < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (UTF-8 script without BOM, x64compatible)
#endif

#define AppName "社保费管理客户端"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define DistDir SourcePath + "..\dist\" + AppName
#define AppExe AppName + ".exe"
#define BackendExe "mock_backend.exe"
#define StateFile "installed-modules.json"

[Setup]
AppId={{829DFDBB-BA64-4C35-B9DB-707C5D777ED7}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
OutputDir={#SourcePath}..\dist\installer
OutputBaseFilename=shebaofei-client-{#AppVersion}-setup
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\{#AppExe}
#if FileExists(SourcePath + "app.ico")
SetupIconFile=app.ico
#endif

[Languages]
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
; Older Inno Setup releases ship no Simplified Chinese messages: the wizard's own
; buttons are then English, the texts of this script stay Chinese.
Name: "chs"; MessagesFile: "compiler:Default.isl"
#endif

[Types]
Name: "full"; Description: "完整安装（用人单位和代收单位）"
Name: "employer"; Description: "仅用人单位"
Name: "collector"; Description: "仅代收单位"
Name: "custom"; Description: "自定义安装"; Flags: iscustom

[Components]
Name: "employer"; Description: "用人单位"; Types: full employer custom
Name: "collector"; Description: "代收单位"; Types: full collector custom
Name: "mockbackend"; Description: "模拟税务系统 mock_backend（仅测试用，正式使用不需要）"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; A new version's bundle replaces the old one whole: no stale libraries left behind.
Type: filesandordirs; Name: "{app}\_internal"
Type: files; Name: "{app}\{#BackendExe}"; Components: not mockbackend

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Excludes: "\{#BackendExe},\{#StateFile}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#DistDir}\{#BackendExe}"; DestDir: "{app}"; Components: mockbackend; Flags: ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\模拟税务系统（测试用）"; Filename: "{app}\{#BackendExe}"; Parameters: "--seed demo"; Components: mockbackend
Name: "{group}\卸载 {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; The user's data (%LOCALAPPDATA%\SheBaoFei\SheBaoFeiClient) is kept on purpose.
Type: files; Name: "{app}\{#StateFile}"

[Code]
const
  StateFile = '{#StateFile}';
  NoModuleMessage = '请至少选择一个模块：用人单位或代收单位。';

function JsonBool(Value: Boolean): String;
begin
  if Value then
    Result := 'true'
  else
    Result := 'false';
end;

{ One entry of installed-modules.json; titles are JSON escapes so that the file is ASCII. }
function ModuleEntry(Key, Title: String; Installed: Boolean): String;
begin
  Result := '{"key": "' + Key + '", "title": "' + Title + '", "installed": ' + JsonBool(Installed) + '}';
end;

{ The same text installer/modules_state.py writes (json.dumps with ensure_ascii). }
function InstalledModulesJson(Employer, Collector: Boolean): String;
begin
  Result := '{"format": 1, "modules": [' + ModuleEntry('employer', '\u7528\u4eba\u5355\u4f4d', Employer) + ', ' + ModuleEntry('collector', '\u4ee3\u6536\u5355\u4f4d', Collector) + ']}';
end;

function NoModuleChosen: Boolean;
begin
  Result := not WizardIsComponentSelected('employer') and not WizardIsComponentSelected('collector');
end;

function NextButtonClick(CurPageID: Integer): Boolean;
begin
  Result := True;
  if (CurPageID = wpSelectComponents) and NoModuleChosen then
  begin
    MsgBox(NoModuleMessage, mbError, MB_OK);
    Result := False;
  end;
end;

{ Silent installs (/COMPONENTS=...) skip the wizard pages: refuse an empty choice here too. }
function PrepareToInstall(var NeedsRestart: Boolean): String;
begin
  if NoModuleChosen then
    Result := NoModuleMessage
  else
    Result := '';
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Json: String;
begin
  if CurStep = ssPostInstall then
  begin
    Json := InstalledModulesJson(WizardIsComponentSelected('employer'), WizardIsComponentSelected('collector'));
    if not SaveStringToFile(ExpandConstant('{app}\') + StateFile, Json + #10, False) then
      SuppressibleMsgBox('无法写入 ' + ExpandConstant('{app}\') + StateFile + '，客户端将不显示任何模块。请以管理员身份重新运行安装程序。', mbError, MB_OK, IDOK);
  end;
end;
