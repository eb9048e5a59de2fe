$__stripecliCompleter = {
    param($wordToComplete, $commandAst, $cursorPosition)
    $children = $__stripecliChildren; $hidden = $__stripecliHidden; $alias = $__stripecliAlias
    $groupFlags = $__stripecliGroupFlags; $leaves = $__stripecliLeaf; $globalSets = $__stripecliGlobals
    $valueSets = $__stripecliValues; $desc = $__stripecliDesc
    $words = @()
    foreach ($element in $commandAst.CommandElements) {
        if ($element.Extent.StartOffset -ge $cursorPosition) { break }
        $words += $element.Extent.Text
    }
    $cur = $wordToComplete
    if ($cur -ne '' -and $words.Count -gt 1) { $words = @($words[0..($words.Count - 2)]) }
    $cpath = ''; $leaf = $null; $pspec = '.'; $toks = @(); $skip = ''; $dd = $false; $pos = 0
    for ($i = 1; $i -lt $words.Count; $i++) {
        $w = $words[$i]
        if ($skip) { $skip = ''; continue }
        if ($leaf) {
            if ($dd) { $pos++; continue }
            if ($w -eq '--') { $dd = $true }
            elseif ($w.StartsWith('-') -and $w.Contains('=')) { }
            elseif ($w.StartsWith('-')) { foreach ($t in $toks) { if ($t.StartsWith("$w=")) { $skip = $w } } }
            else { $pos++ }
        } else {
            $gkey = if ($cpath) { $cpath } else { '.' }
            if ($w.StartsWith('-') -and $__stripecliGroupValued.ContainsKey($gkey) -and
                @($__stripecliGroupValued[$gkey] -split ' ') -ccontains $w) { $skip = $w }
            elseif ($w.StartsWith('-')) { }
            else {
                $key = if ($cpath) { "$cpath $w" } else { $w }
                if ($alias.ContainsKey($key)) { $key = $alias[$key] }
                if ($children.ContainsKey($key)) { $cpath = $key }
                elseif ($leaves.ContainsKey($key)) {
                    $cpath = $key
                    $rec = @($leaves[$key] -split ' ' | Where-Object { $_ })
                    $leaf = $key
                    $pspec = $rec[1]
                    $toks = @($rec | Select-Object -Skip 2)
                    if ($rec[0] -ne '0') { $toks += @($globalSets[[int]$rec[0]] -split ' ' | Where-Object { $_ }) }
                    $toks += @('-h', '--help')
                } else { return }
            }
        }
    }
    $out = New-Object System.Collections.Generic.List[string]
    $tips = @{}
    $vref = $null; $vpre = ''; $vcur = $cur
    if ($skip) {
        if ($leaf) {
            $vref = ''
            foreach ($t in $toks) { if ($t.StartsWith("$skip=")) { $vref = $t.Substring($skip.Length + 1); break } }
        } elseif ($skip -ceq '--profile') { $vref = 'p' }
    } elseif ($cur.StartsWith('-') -and $cur.Contains('=')) {
        $f = $cur.Substring(0, $cur.IndexOf('='))
        $vpre = "$f="; $vcur = $cur.Substring($f.Length + 1); $vref = ''
        if ($leaf) { foreach ($t in $toks) { if ($t.StartsWith("$f=")) { $vref = $t.Substring($f.Length + 1); break } } }
        elseif ($f -ceq '--profile') { $vref = 'p' }
    } elseif ($leaf) {
        if (-not $cur.StartsWith('-') -and $pspec -ne '.') {
            $entries = $pspec.Split(',')
            $e = ''
            if ($pos -lt $entries.Count) { $e = $entries[$pos] }
            elseif ($entries[-1].EndsWith('*')) { $e = $entries[-1] }
            if ($e) { $vref = $e.TrimEnd('*'); if ($vref -eq '-') { $vref = '' } }
        }
        if ($null -eq $vref) { foreach ($t in $toks) { $out.Add($t.Split('=')[0]) } }
    } else {
        $key = if ($cpath) { $cpath } else { '.' }
        if ($cur.StartsWith('-')) {
            if ($groupFlags.ContainsKey($key)) { foreach ($t in @($groupFlags[$key] -split ' ' | Where-Object { $_ })) { $out.Add($t) } }
            $out.Add('-h'); $out.Add('--help')
        } else {
            foreach ($c in @($children[$key] -split ' ' | Where-Object { $_ })) {
                $out.Add($c); $tips[$c] = $desc[$(if ($cpath) { "$cpath $c" } else { $c })]
            }
            if ($cur -ne '' -and $hidden.ContainsKey($key)) {
                foreach ($c in @($hidden[$key] -split ' ' | Where-Object { $_ })) {
                    $out.Add($c); $tips[$c] = $desc[$alias[$(if ($cpath) { "$cpath $c" } else { $c })]]
                }
            }
        }
    }
    if ($null -ne $vref) {
        $items = @()
        if ($vref -eq 'p') {
            $dir = $env:STRIPECLI_CONFIG_DIR
            if (-not $dir) {
                if ($IsMacOS) { $dir = Join-Path $HOME 'Library/Application Support/stripecli' }
                elseif ($IsLinux) { $dir = Join-Path $(if ($env:XDG_CONFIG_HOME) { $env:XDG_CONFIG_HOME } else { Join-Path $HOME '.config' }) 'stripecli' }
                else { $dir = Join-Path $env:LOCALAPPDATA 'stripecli' }
            }
            if ($dir.StartsWith('~')) { $dir = $HOME + $dir.Substring(1) }
            $file = Join-Path $dir 'profiles.toml'
            if (Test-Path -LiteralPath $file) {
                foreach ($line in Get-Content -LiteralPath $file) {
                    if ($line -match '^\s*\[profiles\.(?:"([^"]+)"|''([^'']+)''|([A-Za-z0-9_-]+))') {
                        $name = @($Matches[1], $Matches[2], $Matches[3]) | Where-Object { $_ } | Select-Object -First 1
                        if ($items -notcontains $name) { $items += $name }
                    }
                }
            }
        } elseif ($vref -match '^[0-9]+$') { $items = @($valueSets[[int]$vref] -split ' ' | Where-Object { $_ }) }
        foreach ($v in $items) {
            $text = if ($v -match '[^\w./+@%:,=-]') { "'" + $v + "'" } else { $v }
            $out.Add($vpre + $text)
        }
        $vcur = $vpre + $vcur
    }
    foreach ($c in $out) {
        if ($c.StartsWith($vcur, [StringComparison]::Ordinal)) {
            $tip = $tips[$c]
            if (-not $tip) { $tip = $c }
            [System.Management.Automation.CompletionResult]::new($c, $c, 'ParameterValue', $tip)
        }
    }
}.GetNewClosure()

Register-ArgumentCompleter -Native -CommandName 'stripecli' -ScriptBlock $__stripecliCompleter
