-- planlib, for the Quarto engine only: the report's Markdown (the same the offline engine typesets) read
-- the way Quarto expects it. Runs before Quarto's own filters (cross-references, floats).
-- * Quarto takes a cross-referenced figure's alt text from `fig-alt`: the `alt` planlib writes (which
--   pandoc moves into the image's description when the image is a figure) is given as `fig-alt` too,
--   else the page's <img> and the PDF's image(alt: …) would have none. It is also kept as
--   `planlib-alt` for planlib-alt.lua, which gives it back to the Word writer after Quarto's filters.
-- * Quarto's Typst output keeps the captions of labelled tables only: a captioned table without a label
--   gets one (tbl-1, tbl-2, … in document order), so it is numbered 表 N and captioned in every format.

local tables = 0

local function alt_of(img)
  local alt = img.attributes["alt"]
  if alt ~= nil and alt ~= "" then
    return alt
  end
  local text = pandoc.utils.stringify(img.caption)
  if text ~= "" then
    return text
  end
  return nil
end

local function with_fig_alt(img)
  if img.attributes["fig-alt"] == nil then
    local alt = alt_of(img)
    if alt ~= nil then
      img.attributes["fig-alt"] = alt
      img.attributes["planlib-alt"] = alt
      return img
    end
  end
  return nil
end

function Image(img)
  return with_fig_alt(img)
end

function Table(tbl)
  if tbl.identifier == "" and #tbl.caption.long > 0 then
    tables = tables + 1
    tbl.identifier = "tbl-" .. tables
    return tbl
  end
  return nil
end
