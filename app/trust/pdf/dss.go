package pdf

import (
	"crypto/sha256"
	"fmt"
)

// DSS is validation data for a Document Security Store (ETSI EN 319
// 142-1 5.4.2): DER certificates, CRLs and OCSP responses.
type DSS struct {
	Certs, CRLs, OCSPs [][]byte
}

// AppendDSS returns an increment whose catalog /DSS holds the given
// validation data together with everything earlier DSS dictionaries held:
// the catalog points only at the newest DSS, so content left out would be
// lost to verifiers. Values already present are not stored twice; /VRI
// and other entries of an existing DSS are kept. For files below PDF 2.0
// the catalog also declares the ESIC extension. The increment is to be
// appended to the file's bytes (Bytes); when nothing new is to be written it
// is empty (nil).
func (f *File) AppendDSS(v DSS) ([]byte, error) {
	tail, err := f.addDSS(v)
	if err != nil {
		return nil, fmt.Errorf("pdf: add DSS: %w", err)
	}
	return tail, nil
}

func (f *File) addDSS(v DSS) ([]byte, error) {
	cat, err := f.editCatalog()
	if err != nil {
		return nil, err
	}
	dssObj, err := f.Resolve(cat.dict["DSS"])
	if err != nil {
		return nil, fmt.Errorf("read existing /DSS: %w", err)
	}
	old, _ := dssObj.(Dict)
	dss := Dict{"Type": Name("DSS")}
	if old != nil {
		dss = old.Clone()
	}
	inc := f.newIncrement()
	added := false
	for _, part := range []struct {
		key   Name
		items [][]byte
	}{{"Certs", v.Certs}, {"CRLs", v.CRLs}, {"OCSPs", v.OCSPs}} {
		arr, n, err := f.mergeDSSArray(inc, old, part.key, part.items)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			added = true
		}
		if len(arr) > 0 {
			dss[part.key] = arr
		}
	}
	if !added {
		return nil, nil
	}
	if r, ok := cat.dict["DSS"].(Ref); ok && old != nil {
		inc.set(r, dss)
	} else {
		cat.dict["DSS"] = inc.add(dss)
		cat.changed = true
	}
	if err := f.declareESIC(inc, cat); err != nil {
		return nil, err
	}
	cat.commit(inc)
	return inc.write()
}

// mergeDSSArray returns the references of the existing entries of key
// followed by new streams for the items not already present, and how many
// streams it added.
func (f *File) mergeDSSArray(inc *increment, old Dict, key Name, items [][]byte) (Array, int, error) {
	var arr Array
	have := map[[32]byte]bool{}
	if old != nil {
		o, err := f.Resolve(old[key])
		if err != nil {
			return nil, 0, fmt.Errorf("read DSS /%s: %w", key, err)
		}
		existing, _ := o.(Array)
		for _, e := range existing {
			arr = append(arr, e)
			so, err := f.Resolve(e)
			if err != nil {
				return nil, 0, fmt.Errorf("read DSS /%s entry %v: %w", key, e, err)
			}
			if st, ok := so.(*Stream); ok {
				// Content that cannot be decoded is kept but cannot be
				// recognised as a duplicate; storing it twice is harmless.
				if data, err := f.DecodeStream(st); err == nil {
					have[sha256.Sum256(data)] = true
				}
			}
		}
	}
	added := 0
	for _, item := range items {
		h := sha256.Sum256(item)
		if len(item) == 0 || have[h] {
			continue
		}
		have[h] = true
		// Stored as they are: DER certificates and CRLs are mostly keys,
		// signatures and serial numbers, which do not compress, and a
		// deflater's set-up cost more than the signature it stores.
		arr = append(arr, inc.add(&Stream{Dict: Dict{}, Data: item}))
		added++
	}
	return arr, added, nil
}

// ReadDSS returns the decoded content of the newest DSS, or an empty DSS
// when the document has none.
func (f *File) ReadDSS() (DSS, error) {
	var out DSS
	cat, err := f.Catalog()
	if err != nil {
		return out, err
	}
	o, err := f.Resolve(cat["DSS"])
	if err != nil {
		return out, fmt.Errorf("pdf: read /DSS: %w", err)
	}
	d, ok := o.(Dict)
	if !ok {
		return out, nil
	}
	for _, part := range []struct {
		key Name
		dst *[][]byte
	}{{"Certs", &out.Certs}, {"CRLs", &out.CRLs}, {"OCSPs", &out.OCSPs}} {
		ao, err := f.Resolve(d[part.key])
		if err != nil {
			return out, fmt.Errorf("pdf: read DSS /%s: %w", part.key, err)
		}
		arr, _ := ao.(Array)
		for _, e := range arr {
			so, err := f.Resolve(e)
			if err != nil {
				return out, fmt.Errorf("pdf: read DSS /%s entry %v: %w", part.key, e, err)
			}
			st, ok := so.(*Stream)
			if !ok {
				return out, fmt.Errorf("%w: DSS /%s entry %v is %T, not a stream", ErrMalformed, part.key, e, so)
			}
			data, err := f.DecodeStream(st)
			if err != nil {
				return out, fmt.Errorf("pdf: decode DSS /%s entry %v: %w", part.key, e, err)
			}
			*part.dst = append(*part.dst, data)
		}
	}
	return out, nil
}
