-- planlib, for the Quarto engine only; runs after Quarto's own filters, just before the writer.
-- Quarto moves a figure's caption out of its image and leaves the image without a description, which the
-- Word writer uses as the picture's alt text (descr): give every image the alt text planlib-quarto.lua
-- kept (`planlib-alt`) as its description, and drop that private attribute (also from the figure around it).
function Image(img)
  local alt = img.attributes["planlib-alt"]
  if alt == nil then
    return nil
  end
  img.attributes["planlib-alt"] = nil
  img.caption = { pandoc.Str(alt) }
  return img
end

function Div(div)
  if div.attributes["planlib-alt"] == nil then
    return nil
  end
  div.attributes["planlib-alt"] = nil
  return div
end

-- Word: Chinese has no italic; *强调* is bold, as in the PDF (Typst show rule) and the page (style.css)
function Emph(el)
  if FORMAT:match("docx") then
    return pandoc.Strong(el.content)
  end
  return nil
end
