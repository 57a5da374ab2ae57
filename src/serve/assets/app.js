// charta serve : le script des pages du bureau (sans dépendance, sans étape de construction).
// Tout texte venu des données est inséré comme texte (textContent, value), jamais comme HTML.
"use strict";
(function () {
  const jeton = document.querySelector('meta[name="charta-jeton"]').content;

  function envoyer(url, corps) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Charta-Jeton": jeton },
      body: JSON.stringify(corps),
    }).then(async (r) => ({ statut: r.status, corps: await r.json().catch(() => ({})) }));
  }

  function el(nom, attrs, ...enfants) {
    const e = document.createElement(nom);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === "texte") e.textContent = v;
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of enfants) if (c) e.append(c);
    return e;
  }

  // ---------------------------------------------------------------- génération
  function suivreGeneration(surFin) {
    const zone = document.getElementById("progression");
    const barre = document.getElementById("barre");
    const etat = document.getElementById("etat-generation");
    zone.hidden = false;
    const tour = () =>
      fetch("/api/build").then((r) => r.json()).then((s) => {
        barre.max = Math.max(s.total, 1);
        barre.value = s.done;
        etat.textContent = s.running
          ? `${s.done} sur ${s.total}` + (s.current ? ` — ${s.current}` : "")
          : s.message + (s.problems.length ? " " + s.problems.join(" ; ") : "");
        etat.dataset.fini = s.running ? "non" : "oui";
        if (s.running) setTimeout(tour, 400);
        else if (surFin) surFin(s);
      });
    tour();
  }

  // Après une génération, la page reprend ses téléchargements et ses modifications sans se recharger.
  function rafraichirSections(ids) {
    return fetch(location.pathname).then((r) => r.text()).then((html) => {
      const doc = new DOMParser().parseFromString(html, "text/html");
      for (const id of ids) {
        const neuf = doc.getElementById(id);
        const ancien = document.getElementById(id);
        if (neuf && ancien) ancien.replaceWith(document.importNode(neuf, true));
      }
    });
  }

  for (const bouton of document.querySelectorAll("#generer, #generer-tout")) {
    bouton.addEventListener("click", () => {
      bouton.disabled = true;
      envoyer("/api/build", { seulement: bouton.dataset.only }).then((r) => {
        if (r.statut !== 202) {
          document.getElementById("progression").hidden = false;
          document.getElementById("etat-generation").textContent = r.corps.erreur || "Génération refusée.";
          bouton.disabled = false;
          return;
        }
        suivreGeneration(() => {
          bouton.disabled = false;
          if (document.getElementById("page-convention"))
            rafraichirSections(["telechargements", "modifications"]);
        });
      });
    });
  }

  // ---------------------------------------------------------------- programme : filtres
  const tableau = document.getElementById("conventions");
  if (tableau) {
    const texte = document.getElementById("filtre-texte");
    const statut = document.getElementById("filtre-statut");
    const nature = document.getElementById("filtre-nature");
    const compte = document.getElementById("compte");
    const lignes = Array.from(tableau.tBodies[0].rows);
    const filtrer = () => {
      const t = texte.value.trim().toLowerCase();
      let n = 0;
      for (const l of lignes) {
        const ok =
          (!t || l.dataset.texte.includes(t)) &&
          (!statut.value || l.dataset.statut === statut.value) &&
          (!nature.value || l.dataset.nature === nature.value);
        l.hidden = !ok;
        if (ok) n++;
      }
      compte.textContent = `${n} sur ${lignes.length}`;
    };
    for (const c of [texte, statut, nature]) for (const ev of ["input", "change"]) c.addEventListener(ev, filtrer);
    document.getElementById("filtres").addEventListener("submit", (e) => e.preventDefault());
    filtrer();
  }

  // ---------------------------------------------------------------- convention : formulaire
  const page = document.getElementById("page-convention");
  if (!page) return;
  const id = page.dataset.id;
  const formulaire = document.getElementById("formulaire");
  const etatEnr = document.getElementById("etat-enregistrement");
  let schema = null;
  let modele = null;
  let empreinte = null;
  let signee = false;
  let minuteur = null;

  // Chemin JSON comme charta l'écrit : convention.funding.2027, dashboard.objectives[0].id
  function chemin(parent, cle) {
    if (typeof cle === "number") return `${parent}[${cle}]`;
    if (cle === "" || /[.\[\]"]/.test(cle)) return `${parent}["${cle.replace(/"/g, '\\"')}"]`;
    return parent ? `${parent}.${cle}` : cle;
  }

  function resoudre(s) {
    let r = s || {};
    while (r.$ref) {
      const def = schema.$defs[r.$ref.split("/").pop()] || {};
      r = Object.assign({}, def, r.description ? { description: r.description } : {});
      delete r.$ref;
      if (def.$ref) r.$ref = def.$ref;
    }
    // Option<T> : anyOf [T, null] devient T, avec null permis.
    if (r.anyOf) {
      const nonNul = r.anyOf.filter((o) => o.type !== "null");
      if (nonNul.length === 1 && nonNul.length < r.anyOf.length) {
        const base = resoudre(nonNul[0]);
        const t = types(base);
        r = Object.assign({}, base, {
          description: r.description || base.description,
          type: t.length ? t.concat("null") : base.type,
          nullable: true,
        });
      }
    }
    return r;
  }

  // Une entrée de table ou de liste : son libellé est sa clé (l'année, le rang), pas la description du type.
  function sansDescription(s) {
    const r = Object.assign({}, resoudre(s));
    delete r.description;
    return r;
  }

  function types(s) {
    return Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  }

  function choix(s) {
    return s.oneOf && s.oneOf.every((o) => "const" in o) ? s.oneOf : null;
  }

  function parDefaut(s0, nonNul) {
    const s = resoudre(s0);
    const t = types(s);
    if (choix(s)) return choix(s)[0].const;
    if (!nonNul && (t.includes("null") || s.nullable)) return null;
    if (t.includes("object") && s.properties) {
      const o = {};
      for (const k of s.required || []) o[k] = parDefaut(s.properties[k]);
      return o;
    }
    if (t.includes("object")) return {};
    if (t.includes("array")) return [];
    if (t.includes("number") || t.includes("integer")) return 0;
    if (t.includes("boolean")) return false;
    return "";
  }

  function libelle(s, cle) {
    const d = (s.description || "").split("\n")[0];
    return d || String(cle);
  }

  // Un champ simple : texte, nombre, booléen, choix dans une liste.
  function champ(s, valeur, p, poser, cle) {
    const t = types(s);
    const c = choix(s);
    let entree;
    if (c) {
      entree = el("select", { "data-chemin": p });
      if (t.includes("null") || s.nullable || valeur === null || valeur === undefined) entree.append(el("option", { value: "", texte: "—" }));
      for (const o of c) {
        const opt = el("option", { value: o.const, texte: o.description ? `${o.const} — ${o.description}` : o.const });
        if (o.const === valeur) opt.selected = true;
        entree.append(opt);
      }
      entree.addEventListener("change", () => poser(entree.value === "" ? null : entree.value));
    } else if (t.includes("boolean")) {
      entree = el("input", { type: "checkbox", "data-chemin": p });
      entree.checked = valeur === true;
      entree.addEventListener("change", () => poser(entree.checked));
    } else {
      const nombre = t.includes("number") || t.includes("integer");
      const longue = !nombre && typeof valeur === "string" && valeur.length > 90;
      entree = el(longue ? "textarea" : "input", { "data-chemin": p, rows: longue ? 4 : null });
      if (!longue) entree.type = "text";
      if (nombre) entree.inputMode = "decimal";
      entree.value = valeur === null || valeur === undefined ? "" : String(valeur);
      entree.addEventListener("input", () => {
        const v = entree.value;
        const nul = t.includes("null") || s.nullable || !t.length;
        if (v.trim() === "") return poser(nul ? null : nombre ? null : "");
        const n = v.replace(/\s/g, "").replace(",", ".");
        const estNombre = /^-?\d+(\.\d+)?$/.test(n);
        if (nombre && estNombre) return poser(Number(n));
        // Cible (nombre ou texte) : un nombre s'il en a la forme.
        if (!t.length && s.anyOf && estNombre) return poser(Number(n));
        poser(v);
      });
    }
    entree.id = "champ-" + p.replace(/[^A-Za-z0-9_-]/g, "_");
    return el("div", { class: "champ", "data-chemin": p },
      el("label", { for: entree.id, texte: libelle(s, cle), title: p }), entree);
  }

  // Un nœud du formulaire : objet, tableau, table par année ou champ simple.
  function noeud(s0, valeur, p, poser, cle) {
    const s = resoudre(s0);
    const t = types(s);
    if (t.includes("object") && s.properties) {
      if (valeur === null || valeur === undefined) {
        return el("div", { class: "champ absent", "data-chemin": p },
          el("span", { texte: libelle(s, cle) + " : non renseigné. " }),
          el("button", { type: "button", class: "ajouter", texte: "Ajouter", onclick: () => { poser(parDefaut(s, true)); dessiner(); } }));
      }
      const fs = el("fieldset", { "data-chemin": p }, p ? el("legend", { texte: libelle(s, cle), title: p }) : null);
      const requis = s.required || [];
      for (const [k, sp] of Object.entries(s.properties)) {
        if (k === "$schema") continue;
        const present = Object.prototype.hasOwnProperty.call(valeur, k);
        const sr = resoudre(sp);
        const simple = !(types(sr).includes("object") || types(sr).includes("array"));
        if (!present && !requis.includes(k) && !simple) {
          fs.append(el("div", { class: "champ absent", "data-chemin": chemin(p, k) },
            el("span", { texte: libelle(sr, k) + " : non renseigné. " }),
            el("button", { type: "button", class: "ajouter", texte: "Ajouter", onclick: () => { valeur[k] = parDefaut(sp, true); dessiner(); } })));
          continue;
        }
        fs.append(noeud(sp, valeur[k], chemin(p, k), (v) => {
          if (v === null && !present && !requis.includes(k)) delete valeur[k];
          else valeur[k] = v;
        }, k));
      }
      return fs;
    }
    if (t.includes("object")) {
      // Table par année (ou par clé) : une ligne par entrée.
      const fs = el("fieldset", { class: "table", "data-chemin": p }, el("legend", { texte: libelle(s, cle), title: p }));
      if (valeur === null || valeur === undefined) {
        fs.append(el("button", { type: "button", class: "ajouter", texte: "Ajouter", onclick: () => { poser({}); dessiner(); } }));
        return fs;
      }
      const sv = s.additionalProperties && typeof s.additionalProperties === "object" ? s.additionalProperties : {};
      for (const k of Object.keys(valeur)) {
        const ligne = noeud(sansDescription(sv), valeur[k], chemin(p, k), (v) => { valeur[k] = v; }, k);
        ligne.append(el("button", { type: "button", class: "retirer", texte: "Retirer", title: `Retirer ${k}`, onclick: () => { delete valeur[k]; dessiner(); } }));
        fs.append(ligne);
      }
      const nouvelle = el("input", { type: "text", placeholder: "année", size: 6, "aria-label": "Nouvelle année" });
      fs.append(el("div", { class: "ajout" }, nouvelle,
        el("button", { type: "button", class: "ajouter", texte: "Ajouter l'année", onclick: () => {
          const k = nouvelle.value.trim();
          if (k && !(k in valeur)) { valeur[k] = parDefaut(sv, true); dessiner(); }
        } })));
      return fs;
    }
    if (t.includes("array")) {
      const fs = el("fieldset", { class: "liste", "data-chemin": p }, el("legend", { texte: libelle(s, cle), title: p }));
      const items = s.items || {};
      const tableau = Array.isArray(valeur) ? valeur : [];
      if (!Array.isArray(valeur)) poser(tableau);
      tableau.forEach((v, i) => {
        const n = noeud(sansDescription(items), v, chemin(p, i), (x) => { tableau[i] = x; }, `n° ${i + 1}`);
        n.append(el("button", { type: "button", class: "retirer", texte: "Retirer", onclick: () => { tableau.splice(i, 1); dessiner(); } }));
        fs.append(n);
      });
      fs.append(el("button", { type: "button", class: "ajouter", texte: "Ajouter", onclick: () => { tableau.push(parDefaut(items, true)); dessiner(); } }));
      return fs;
    }
    return champ(s, valeur, p, poser, cle);
  }

  function dessiner() {
    formulaire.replaceChildren(noeud(schema, modele, "", (v) => { modele = v; }, ""));
    if (signee) for (const e of formulaire.querySelectorAll("input, select, textarea, button")) e.disabled = true;
    verifierBientot(0);
  }

  // Place chaque message à côté du champ dont le chemin correspond (ou de son plus proche parent affiché).
  function afficher(diags) {
    for (const d of document.querySelectorAll(".diag")) d.remove();
    for (const c of document.querySelectorAll(".en-erreur")) c.classList.remove("en-erreur");
    const generaux = document.getElementById("controles-generaux");
    for (const d of diags) {
      const msg = el("p", { class: "diag " + d.severite, role: "alert", "data-pour": d.chemin || "" },
        el("strong", { texte: d.severite === "erreur" ? "Erreur : " : "Avertissement : " }),
        document.createTextNode(d.message),
        d.conseil ? el("span", { class: "conseil", texte: " — " + d.conseil }) : null);
      let cible = null;
      let p = d.chemin || "";
      while (p && !cible) {
        cible = formulaire.querySelector(`[data-chemin="${CSS.escape(p)}"]`);
        if (!cible) p = p.replace(/(\.[^.\[\]]*|\[[^\]]*\])$/, "");
      }
      if (cible) {
        cible.classList.add("en-erreur");
        const legende = cible.tagName === "FIELDSET" ? cible.querySelector(":scope > legend") : null;
        if (legende) legende.after(msg);
        else cible.append(msg);
      } else generaux.append(msg);
    }
  }

  // Each check and each save takes a number: an answer that comes back after a
  // later request (a check still running when « Enregistrer » is clicked) does
  // not overwrite what that request said.
  let dernierEnvoi = 0;

  function verifierBientot(delai) {
    clearTimeout(minuteur);
    minuteur = setTimeout(() => {
      const numero = ++dernierEnvoi;
      envoyer(`/api/check/${id}`, modele).then((r) => {
        if (r.statut === 200 && numero === dernierEnvoi) {
          afficher(r.corps.diagnostics);
          if (!signee) etatEnr.textContent = r.corps.erreurs ? `${r.corps.erreurs} erreur(s) à corriger avant d'enregistrer.` : "Aucune erreur.";
        }
      });
    }, delai);
  }

  formulaire.addEventListener("input", () => verifierBientot(250));
  formulaire.addEventListener("change", () => verifierBientot(0));

  document.getElementById("enregistrer").addEventListener("click", () => {
    etatEnr.textContent = "Enregistrement…";
    clearTimeout(minuteur);
    ++dernierEnvoi;
    envoyer(`/api/save/${id}`, { empreinte, donnees: modele }).then((r) => {
      if (r.statut === 200) {
        empreinte = r.corps.empreinte;
        afficher(r.corps.diagnostics);
        etatEnr.textContent = r.corps.message;
        etatEnr.className = "ok";
        rafraichirSections(["modifications"]);
      } else {
        if (r.corps.diagnostics) afficher(r.corps.diagnostics);
        etatEnr.textContent = r.corps.erreur || `Refusé (${r.statut}).`;
        etatEnr.className = "refus";
      }
    });
  });

  Promise.all([
    fetch("/api/schema").then((r) => r.json()),
    fetch(`/api/convention/${id}`).then((r) => r.json()),
  ]).then(([s, c]) => {
    schema = s;
    empreinte = c.empreinte;
    signee = c.signee;
    if (c.donnees === null) {
      formulaire.replaceChildren(el("p", { class: "avertissement", texte: "Le fichier de l'association n'est pas du JSON lisible : corrigez-le dans un éditeur de texte (voir les contrôles ci-dessus)." }));
      document.getElementById("enregistrer").disabled = true;
      afficher(c.diagnostics);
      return;
    }
    modele = c.donnees;
    if (signee) document.getElementById("enregistrer").disabled = true;
    dessiner();
    afficher(c.diagnostics);
    formulaire.dataset.pret = "oui";
  });
})();
