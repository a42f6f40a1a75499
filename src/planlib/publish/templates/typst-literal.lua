-- planlib, for pandoc's Typst writer only: text stays literal in the PDF.
-- The writer escapes Typst's markup characters (# $ * _ ` < @ …) but not two of Typst's shorthands,
-- "..." (an ellipsis) and "-?" (a soft hyphen), so "11 districts ... (dscnowi.com)" from a source
-- title would print "…". In a text that holds one of them, every ".", "-" and "?" is written escaped.
local function has_shorthand(text)
  return text:find("...", 1, true) ~= nil or text:find("-?", 1, true) ~= nil
end

function Str(el)
  if not has_shorthand(el.text) then
    return nil
  end
  local out, buffer = {}, {}
  -- byte by byte is safe: these ASCII bytes never occur inside a multi-byte UTF-8 character
  for i = 1, #el.text do
    local byte = el.text:sub(i, i)
    if byte == "." or byte == "-" or byte == "?" then
      if #buffer > 0 then
        out[#out + 1] = pandoc.Str(table.concat(buffer))
        buffer = {}
      end
      out[#out + 1] = pandoc.RawInline("typst", "\\" .. byte)
    else
      buffer[#buffer + 1] = byte
    end
  end
  if #buffer > 0 then
    out[#out + 1] = pandoc.Str(table.concat(buffer))
  end
  return out
end
